// The LTC encoder lives with the show format (show-files/src/ltc.ts), so a stage page can play LTC.
export * from '../../../show-files/src/ltc.ts';
