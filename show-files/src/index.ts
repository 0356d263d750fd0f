// Public face of the show format: load + validate + compile, and the timeline lookups.
export { compileShowFolder, compileLoadedShow, timelineToJson, resolveOutput, DEFAULT_VOICE, DEFAULT_LIGHTING, type CompileResult } from './compile.ts';
export { loadShow, SHOW_FILE_NAME, type LoadedShow, type LoadedSong, type LoadResult } from './load.ts';
export { formatError, sortErrors, type ValidationError } from './errors.ts';
export * from './timeline.ts';
export { TempoMap, TICKS_PER_QUARTER } from './tempo.ts';
