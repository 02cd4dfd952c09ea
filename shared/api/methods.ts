// The API's method names alone, for the Electron preload (which should not carry the schemas).
// contract.ts checks that this list and the table agree.

export const METHOD_NAMES = [
  "probeHost",
  "initialLayout",
  "listSamples",
  "loadSample",
  "qemuInfo",
  "listQemus",
  "modelParams",
  "startRun",
  "startLabRun",
  "cancelRun",
  "listRuns",
  "loadRun",
  "labelRun",
  "deleteRun",
  "saveLayoutAs",
  "openLayoutFile",
  "runModes",
  "saveRunReport",
  "saveRecording",
  "importRecording",
  "openRecording",
] as const;

export const RUN_EVENT_CHANNEL = "numadesk:run-event";
export const channelOf = (method: string) => `numadesk:${method}`;
