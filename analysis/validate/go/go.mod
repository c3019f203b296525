module gmpsim/validate

go 1.19
