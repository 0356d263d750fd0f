# Median F1 and F2 (Burg LPC, female settings: 5 formants up to 5500 Hz) of the middle half of a sound.
form Formants
  sentence file x.wav
endform
Read from file: file$
dur = Get total duration
To Formant (burg): 0, 5, 5500, 0.025, 50
f1 = Get quantile: 1, dur * 0.25, dur * 0.75, "hertz", 0.5
f2 = Get quantile: 2, dur * 0.25, dur * 0.75, "hertz", 0.5
writeInfoLine: fixed$ (f1, 0), " ", fixed$ (f2, 0)
