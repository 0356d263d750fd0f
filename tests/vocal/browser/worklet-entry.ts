// Bundled into the AudioWorklet module of the browser test: registers the voice processor.
import { registerVoiceProcessor } from '../../../show-files/src/vocal/worklet.ts';

registerVoiceProcessor();
