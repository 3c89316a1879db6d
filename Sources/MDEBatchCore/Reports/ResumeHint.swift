import Foundation

/// The command that resumes a job: built here and nowhere else. A job's plan holds
/// everything it needs, so it is `mdebatch resume JOB`, plus `--state PATH` when the state
/// file is not the default one.
public enum ResumeHint {
    public static func command(jobId: String, statePath: String?) -> String {
        var words = ["mdebatch", "resume", jobId]
        if let statePath { words += ["--state", statePath] }
        return words.map(ShellQuote.quote).joined(separator: " ")
    }
}

/// Quotes a word for a POSIX shell when it needs it.
public enum ShellQuote {
    public static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,")
        if !word.isEmpty && word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
