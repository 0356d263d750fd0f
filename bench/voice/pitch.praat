# Prints "time f0" every 10 ms of a sound (Praat's autocorrelation pitch, 75-1000 Hz); 0 where unvoiced.
form Pitch
  sentence file x.wav
endform
Read from file: file$
To Pitch: 0.01, 75, 1000
n = Get number of frames
writeInfo: ""
for i to n
  t = Get time from frame number: i
  f = Get value in frame: i, "Hertz"
  if f = undefined
    f = 0
  endif
  appendInfoLine: fixed$ (t, 3), " ", fixed$ (f, 2)
endfor
