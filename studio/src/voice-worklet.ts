// The AudioWorklet module of the studio: the show's own voice processor (show-files/src/vocal/worklet.ts).
import { registerVoiceProcessor } from '../../show-files/src/vocal/worklet.ts';

registerVoiceProcessor();
