# Every 5 ms of a recording: time, F0 (0 where unvoiced), intensity (dB), then F1-F5 and their
# bandwidths (Burg, 5 formants up to 5500 Hz; 0 where a formant was not found). One line a frame.
form Track formants
  sentence file x.wav
endform
sound = Read from file: file$
dur = Get total duration
pitch = To Pitch: 0.005, 60, 400
selectObject: sound
formant = To Formant (burg): 0.005, 5, 5500, 0.025, 50
selectObject: sound
intensity = To Intensity: 100, 0.005, "no"
frames = floor(dur / 0.005)
for i from 1 to frames
  t = i * 0.005
  selectObject: pitch
  f0 = Get value at time: t, "Hertz", "linear"
  if f0 = undefined
    f0 = 0
  endif
  selectObject: intensity
  db = Get value at time: t, "cubic"
  if db = undefined
    db = 0
  endif
  line$ = fixed$(t, 3) + " " + fixed$(f0, 1) + " " + fixed$(db, 1)
  selectObject: formant
  for k from 1 to 5
    fk = Get value at time: k, t, "hertz", "linear"
    bk = Get bandwidth at time: k, t, "hertz", "linear"
    if fk = undefined or bk = undefined
      fk = 0
      bk = 0
    endif
    line$ = line$ + " " + fixed$(fk, 0) + " " + fixed$(bk, 0)
  endfor
  appendInfoLine: line$
endfor
