// SMPTE timecode and MIDI Time Code maths live with the show format (show-files/src/timecode.ts), so
// the stage pages can use them too; the venue adapters import them from here.
export * from '../../../show-files/src/timecode.ts';
