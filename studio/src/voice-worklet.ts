// The AudioWorklet module of the studio: the show's own voice processor (vocal/worklet.ts).
import { registerVoiceProcessor } from '../../vocal/worklet.ts';

registerVoiceProcessor();
