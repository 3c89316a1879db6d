import Foundation

/// One benchmark: it prepares its own inputs, measures, and returns its figures.
///
/// To add a measurement, add a type conforming to this protocol in its own file and list
/// it in `BenchmarkRegistry.all` (main.swift).
protocol Benchmark: Sendable {
    /// The prefix of its figures, e.g. `validate`.
    var name: String { get }
    /// Runs the benchmark and returns its figures, in print order.
    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure]
}

/// Settings shared by every benchmark.
struct BenchmarkConfiguration {
    /// Rows of generated input (`--rows N`, default 1,000,000).
    var rows: Int = 1_000_000
}

/// One printed figure: `name value`.
struct Figure {
    var name: String
    var value: Double

    /// `validate.rows_per_s 1234567`: integers without decimals, small values with two.
    var line: String {
        let shown: String
        if value.rounded() == value || abs(value) >= 100 {
            shown = String(Int(value.rounded()))
        } else {
            shown = String(format: "%.2f", value)
        }
        return "\(name) \(shown)"
    }
}

/// The `mdebatch` binary built beside this one, which the end-to-end benchmarks run as a
/// separate process.
func mdebatchBinary() throws -> URL {
    let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("mdebatch")
    guard FileManager.default.isExecutableFile(atPath: binary.path) else {
        throw BenchmarkError("\(binary.path) is missing: build it first (swift build -c release)")
    }
    return binary
}
