import Foundation
import MDEBatchCore

/// Every benchmark, in run order.
///
/// Add new ones here.
enum BenchmarkRegistry {
    static let all: [any Benchmark] = [
        ValidateBenchmark(), DryRunBenchmark(), ScaledRunBenchmark(), ResumeBenchmark(), StatusRefreshBenchmark(),
    ]
}

/// `mdebatch-bench [--rows N] [all | NAME...]`: runs the named benchmarks (all by default) and
/// prints one figure per line, `name value`.
func parseArguments(_ arguments: [String]) -> (BenchmarkConfiguration, [String])? {
    var configuration = BenchmarkConfiguration()
    var names: [String] = []
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--rows", index + 1 < arguments.count, let rows = Int(arguments[index + 1]), rows > 0 {
            configuration.rows = rows
            index += 2
        } else if argument.hasPrefix("--rows="), let rows = Int(argument.dropFirst(7)), rows > 0 {
            configuration.rows = rows
            index += 1
        } else if argument.hasPrefix("-") {
            return nil
        } else {
            names.append(argument)
            index += 1
        }
    }
    return (configuration, names)
}

guard let (configuration, names) = parseArguments(Array(CommandLine.arguments.dropFirst())) else {
    let known = BenchmarkRegistry.all.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: mdebatch-bench [--rows N] [NAME...]  (benchmarks: \(known))\n".utf8))
    exit(64)
}
print("mdebatch-bench \(MDEBatchVersion.current)")
let knownNames = Set(BenchmarkRegistry.all.map(\.name))
if let unknown = names.first(where: { $0 != "all" && !knownNames.contains($0) }) {
    FileHandle.standardError.write(
        Data(
            "mdebatch-bench: no benchmark named \(unknown) (benchmarks: all, \(knownNames.sorted().joined(separator: ", ")))\n"
                .utf8))
    exit(64)
}
let selected =
    names.isEmpty || names.contains("all") ? BenchmarkRegistry.all : BenchmarkRegistry.all.filter { names.contains($0.name) }
do {
    for benchmark in selected {
        for figure in try benchmark.run(configuration) { print(figure.line) }
    }
} catch {
    FileHandle.standardError.write(Data("mdebatch-bench: \(error)\n".utf8))
    exit(70)
}
