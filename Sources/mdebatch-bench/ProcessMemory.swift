import Foundation

/// The process's peak resident memory.
enum ProcessMemory {
    #if os(Linux)
        private static let rusageSelf = RUSAGE_SELF.rawValue
    #else
        private static let rusageSelf = RUSAGE_SELF
    #endif

    /// Peak resident set size in MiB: `VmHWM` from `/proc/self/status` on Linux, else
    /// `getrusage(RUSAGE_SELF).ru_maxrss`.
    static func peakResidentMiB() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let digits = line.filter(\.isNumber)
                if let kilobytes = Double(String(digits)) { return kilobytes / 1024 }
            }
        }
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        #if os(Linux)
            return Double(usage.ru_maxrss) / 1024
        #else
            return Double(usage.ru_maxrss) / 1024 / 1024
        #endif
    }

    /// User plus system CPU seconds used so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(rusageSelf, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}

extension ProcessMemory {
    /// Resets the peak resident size (Linux: `clear_refs` 5), so the next measurement
    /// sees only its own peak. Returns false where that is not possible.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }
}
