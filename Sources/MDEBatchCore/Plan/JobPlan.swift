import Foundation

/// Everything that shapes a job besides its rows, decided once when the job is created
/// and stored with it (column `job.plan`); every later command that touches the job
/// rebuilds its settings from it (docs/ARCHITECTURE.md, "The job is the plan").
///
/// What a request carries is fixed: the input and column options and `--resubmit` are in
/// the job's `options`, and each row's comment is stored as read; the comment sent is the
/// row's comment followed by `commentSuffix` (the job tag), fixed here at creation. How
/// the job is sent (`pacing`) is remembered and may be overridden for one run.
public struct JobPlan: Codable, Sendable, Hashable {
    /// Where the job's calls go; nil only for a job made by `run --dry-run` without
    /// credentials, which its first real run binds.
    public var target: JobTarget?
    /// Appended to every row's comment: ` [mdebatch JOB]`, or empty with `--no-comment-tag`.
    public var commentSuffix: String
    /// How the job is sent.
    public var pacing: JobPacing

    public init(target: JobTarget?, commentSuffix: String, pacing: JobPacing) {
        self.target = target
        self.commentSuffix = commentSuffix
        self.pacing = pacing
    }

    /// The comment tag of `jobId`.
    public static func commentTag(jobId: String) -> String { " [mdebatch \(jobId)]" }

    /// The exact comment the API receives for a row whose stored comment is `comment`.
    public func sentComment(_ comment: String) -> String { comment + commentSuffix }

    /// Whether the job's comments carry the job tag.
    public var hasCommentTag: Bool { !commentSuffix.isEmpty }
}

/// How a job is sent: limits, overlap, time-outs, retries, the visibility delay and the
/// report path. Stored with the job; a resume may override any of them for itself.
public struct JobPacing: Codable, Sendable, Hashable {
    /// The `--rate` limits; empty means MDE's documented limits.
    public var rates: [RateLimit]
    public var concurrency: Int
    /// Seconds each call may take.
    public var requestTimeout: TimeInterval
    public var maxAttempts: Int
    /// Seconds after a send before a lookup that finds nothing counts.
    public var visibilityDelay: TimeInterval
    /// The CSV report's path (absolute), or nil for `./mdebatch-JOB.csv` where the job was created.
    public var report: String?
    /// The clock scale of an emulator the job runs against (`--time-scale`), nil for real time.
    public var timeScale: Double?
    /// The origin shared with an external emulator's scaled clock (`--time-origin`).
    public var timeOrigin: Date?

    public init(
        rates: [RateLimit] = [], concurrency: Int = 8, requestTimeout: TimeInterval = 30, maxAttempts: Int = 6,
        visibilityDelay: TimeInterval = 120, report: String? = nil, timeScale: Double? = nil, timeOrigin: Date? = nil
    ) {
        self.rates = rates
        self.concurrency = concurrency
        self.requestTimeout = requestTimeout
        self.maxAttempts = maxAttempts
        self.visibilityDelay = visibilityDelay
        self.report = report
        self.timeScale = timeScale
        self.timeOrigin = timeOrigin
    }

    /// The defaults of a job created without pacing options (and of jobs made before plans).
    public static let defaults = JobPacing()

    /// The quota policy of every API of the job.
    public var policy: QuotaPolicy { rates.isEmpty ? .mdeDefault : QuotaPolicy(limits: rates) }
}

/// Pacing options given on one command line; nil means "not given".
public struct PacingOverrides: Sendable, Hashable {
    public var rates: [RateLimit]?
    public var concurrency: Int?
    public var requestTimeout: TimeInterval?
    public var maxAttempts: Int?
    public var visibilityDelay: TimeInterval?
    public var report: String?
    public var timeScale: Double?
    public var timeOrigin: Date?

    public init(
        rates: [RateLimit]? = nil, concurrency: Int? = nil, requestTimeout: TimeInterval? = nil, maxAttempts: Int? = nil,
        visibilityDelay: TimeInterval? = nil, report: String? = nil, timeScale: Double? = nil, timeOrigin: Date? = nil
    ) {
        self.rates = rates
        self.concurrency = concurrency
        self.requestTimeout = requestTimeout
        self.maxAttempts = maxAttempts
        self.visibilityDelay = visibilityDelay
        self.report = report
        self.timeScale = timeScale
        self.timeOrigin = timeOrigin
    }

    /// The pacing of a new job: what was given, else the defaults.
    public var forNewJob: JobPacing { applied(to: .defaults).pacing }

    /// `stored` with what was given in its place, and one line per option that changed,
    /// for the user to see (e.g. `--concurrency 4 (the job's: 8)`).
    public func applied(to stored: JobPacing) -> (pacing: JobPacing, notes: [String]) {
        var pacing = stored
        var notes: [String] = []
        func take<T: Equatable>(_ given: T?, _ path: WritableKeyPath<JobPacing, T>, _ flag: String, _ text: (T) -> String) {
            guard let given else { return }
            if pacing[keyPath: path] != given {
                notes.append("\(flag) \(text(given)) (the job's: \(text(pacing[keyPath: path])))")
            }
            pacing[keyPath: path] = given
        }
        take(rates, \.rates, "--rate") { $0.isEmpty ? QuotaPolicy.mdeDefault.description : QuotaPolicy(limits: $0).description }
        take(concurrency, \.concurrency, "--concurrency") { "\($0)" }
        take(requestTimeout, \.requestTimeout, "--request-timeout") { DurationText.format($0) }
        take(maxAttempts, \.maxAttempts, "--max-attempts") { "\($0)" }
        take(visibilityDelay, \.visibilityDelay, "--visibility-delay") { DurationText.format($0) }
        if let report {
            let absolute = JobPacing.absolutePath(report)
            if pacing.report != absolute { notes.append("--report \(absolute) (the job's: \(pacing.report ?? "default"))") }
            pacing.report = absolute
        }
        if let timeScale { pacing.timeScale = timeScale }
        if let timeOrigin { pacing.timeOrigin = timeOrigin }
        return (pacing, notes)
    }
}

extension JobPacing {
    /// `path` made absolute against the current directory, so a resume from elsewhere
    /// writes the same file.
    public static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") || path == "-" { return path }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(path).standardizedFileURL
            .path
    }

    /// Where the CSV report of `jobId` goes.
    public func reportPath(jobId: String) -> String {
        report ?? "mdebatch-\(jobId).csv"
    }
}
