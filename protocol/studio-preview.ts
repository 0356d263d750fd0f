// "Preview on stage": the organiser plays a submitted studio song on the desk's preview outputs.
// The message goes to preview outputs only; the show's clock, transport and journal never see it.

import type { VocalTrack } from '../show-files/src/timeline.ts';

export const STUDIO_PREVIEW_EVENTS = {
  /** server -> preview outputs: sing this song now, on top of whatever the output shows. */
  play: 'studio:preview',
  /** server -> preview outputs: stop a studio preview that is still sounding. */
  stop: 'studio:preview-stop',
} as const;

export interface StudioPreviewMessage {
  submissionId: string;
  title: string;
  creator: string;
  /** The rendered vocal (WAV), a short-lived link the output fetches without a token. */
  wavUrl: string;
  /** Seconds of audio. */
  duration: number;
  /** Notes and phonemes on the same clock as the WAV (0 = its first sample), for lip-sync. */
  track: VocalTrack;
}
