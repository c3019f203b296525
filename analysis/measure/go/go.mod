module gmpsim/measure/go

go 1.19
