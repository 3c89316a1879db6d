import Foundation

/// Writes to the terminal; the only place the CLI touches standard error.
enum Terminal {
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Rewrites the live status line in place (terminals only).
    static func statusLine(_ line: String) {
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    static func clearStatusLine() {
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
