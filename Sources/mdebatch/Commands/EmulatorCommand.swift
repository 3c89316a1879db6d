import ArgumentParser

/// `mdebatch emulator`: serves the MDE emulator in the foreground. (Being built.)
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve a local emulator of the MDE machine-actions API."
    )

    func run() async throws {
        throw ExitCode(70)
    }
}
