# A recording through an LPC vocoder of a given order: its spectral envelope (Burg LPC, every 5 ms)
# over a plain source (a pulse train on the recording's own F0, and a little white noise), the
# recording's fine detail gone. How many poles a voice needs before a recognizer hears its words.
form LPC resynthesis
  sentence file x.wav
  sentence out y.wav
  integer order 18
endform
sound = Read from file: file$
rate = Get sampling frequency
dur = Get total duration
lpc = To LPC (burg): order, 0.025, 0.005, 50
selectObject: sound
pitch = To Pitch: 0.005, 60, 400
pulses = To PointProcess
source = To Sound (pulse train): rate, 1, 0.05, 2000
# A fixed seed: the same file every run, so the recognizer scores it the same.
random_initializeWithSeedUnsafelyButPredictably (5)
noise = Create Sound from formula: "noise", 1, 0, dur, rate, "randomGauss(0, 0.02)"
selectObject: source
Formula: "self + object[noise]"
selectObject: source, lpc
result = Filter: "yes"
Scale peak: 0.9
Save as WAV file: out$
