// SMPTE timecode and MIDI Time Code, pure. From the MIDI 1.0 spec's MTC section: a quarter-frame
// message is F1 0nnn dddd (piece n of 8: frames lo/hi, seconds lo/hi, minutes lo/hi, hours lo,
// hours hi with the rate in bits 1-2); eight of them carry one time, the frame at which piece 0
// was sent, so a receiver adds two frames. A full-frame message (a locate) is the universal
// real-time SysEx F0 7F 7F 01 01 hh mm ss ff F7 with the rate in hh's bits 5-6.

export type MtcRate = 24 | 25 | 29.97 | 30;
export const MTC_RATES: readonly MtcRate[] = [24, 25, 29.97, 30];

/** Rate code in the hours byte: 0 = 24, 1 = 25, 2 = 29.97 drop frame, 3 = 30. */
export function rateCode(rate: MtcRate): number {
  return rate === 24 ? 0 : rate === 25 ? 1 : rate === 29.97 ? 2 : 3;
}

/** Real frames per second (29.97 drop frame runs at 30000/1001). */
export function framesPerSecond(rate: MtcRate): number {
  return rate === 29.97 ? 30000 / 1001 : rate;
}

/** Frames a label counts per second (30 for drop frame: labels skip, frames don't). */
function nominal(rate: MtcRate): number {
  return rate === 29.97 ? 30 : rate;
}

export interface Timecode {
  hours: number;
  minutes: number;
  seconds: number;
  frames: number;
}

const DAY_FRAMES = (rate: MtcRate): number => Math.round(24 * 3600 * framesPerSecond(rate));

/** The label of a frame count (frames since 00:00:00:00, wrapping at 24 h); drop frame skips labels 0 and 1 each minute but every tenth. */
export function frameToTimecode(frame: number, rate: MtcRate): Timecode {
  let f = ((Math.floor(frame) % DAY_FRAMES(rate)) + DAY_FRAMES(rate)) % DAY_FRAMES(rate);
  if (rate === 29.97) {
    const per10Min = 17982; // 10 minutes of frames at 29.97 with 9 × 2 labels dropped
    const perMin = 1798;
    const tens = Math.floor(f / per10Min);
    const rest = f % per10Min;
    f += 18 * tens + (rest > 1 ? 2 * Math.floor((rest - 2) / perMin) : 0);
  }
  const n = nominal(rate);
  return { hours: Math.floor(f / (n * 3600)) % 24, minutes: Math.floor(f / (n * 60)) % 60, seconds: Math.floor(f / n) % 60, frames: f % n };
}

/** The frame count of a label (inverse of frameToTimecode). */
export function timecodeToFrame(tc: Timecode, rate: MtcRate): number {
  const n = nominal(rate);
  let f = ((tc.hours * 60 + tc.minutes) * 60 + tc.seconds) * n + tc.frames;
  if (rate === 29.97) {
    const totalMinutes = tc.hours * 60 + tc.minutes;
    f -= 2 * (totalMinutes - Math.floor(totalMinutes / 10));
  }
  return f;
}

export function formatTimecode(tc: Timecode, rate: MtcRate): string {
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${p(tc.hours)}:${p(tc.minutes)}:${p(tc.seconds)}${rate === 29.97 ? ';' : ':'}${p(tc.frames)}`;
}

/** "HH:MM:SS:FF" (or ;FF) to seconds at a rate; null when it is not a timecode. */
export function parseTimecode(text: string, rate: MtcRate): number | null {
  const m = /^(\d{1,2}):(\d{2}):(\d{2})[:;.](\d{2})$/.exec(text.trim());
  if (!m) return null;
  const [h, mi, s, f] = m.slice(1).map(Number) as [number, number, number, number];
  if (h > 23 || mi > 59 || s > 59 || f >= nominal(rate)) return null;
  return timecodeToFrame({ hours: h, minutes: mi, seconds: s, frames: f }, rate) / framesPerSecond(rate);
}

/** Piece `piece` (0-7) of the quarter-frame sequence carrying `tc`. */
export function quarterFrame(piece: number, tc: Timecode, rate: MtcRate): [number, number] {
  const nibble = [tc.frames & 0xf, tc.frames >> 4, tc.seconds & 0xf, tc.seconds >> 4, tc.minutes & 0xf, tc.minutes >> 4, tc.hours & 0xf, (tc.hours >> 4) | (rateCode(rate) << 1)][piece]!;
  return [0xf1, (piece << 4) | nibble];
}

export function fullFrame(tc: Timecode, rate: MtcRate): number[] {
  return [0xf0, 0x7f, 0x7f, 0x01, 0x01, (rateCode(rate) << 5) | tc.hours, tc.minutes, tc.seconds, tc.frames, 0xf7];
}

/**
 * Quarter frame number q (counted from timecode 00:00:00:00) as MIDI bytes: piece q mod 8 of the
 * sequence that starts on frame 2 × floor(q / 8).
 */
export function quarterFrameMessage(q: number, rate: MtcRate): [number, number] {
  return quarterFrame(q % 8, frameToTimecode(Math.floor(q / 8) * 2, rate), rate);
}
