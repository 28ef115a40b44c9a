module github.com/eci-emulator/eci-emulator/go/eciemulator

go 1.23
