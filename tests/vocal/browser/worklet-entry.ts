// Bundled into the AudioWorklet module of the browser test: registers the voice processor.
import { registerVoiceProcessor } from '../../../vocal/worklet.ts';

registerVoiceProcessor();
