import ArgumentParser
import MDEBatchCore

/// The input files and how to read them (docs/INPUTS.md).
struct InputOptions: ParsableArguments {
    @Argument(
        help: ArgumentHelp("Input files (.csv .tsv .txt .jsonl .ndjson .json), or - for standard input.", valueName: "file"))
    var files: [String]

    @Option(help: "The input format: csv, tsv, jsonl or json (required with -; otherwise chosen by extension).")
    var format: InputFormat?

    @Option(name: .customLong("machine-column"), help: ArgumentHelp("The column holding machine ids.", valueName: "name"))
    var machineColumn: String?

    @Option(name: .customLong("sha1-column"), help: ArgumentHelp("The column holding SHA-1s.", valueName: "name"))
    var sha1Column: String?

    @Option(name: .customLong("comment-column"), help: ArgumentHelp("The column holding comments.", valueName: "name"))
    var commentColumn: String?

    @Option(help: ArgumentHelp("The comment for rows whose comment is missing or empty.", valueName: "text"))
    var comment: String?

    @Option(
        name: .customLong("device-name-column"),
        help: ArgumentHelp("The column holding device names (resolved to machine ids).", valueName: "name"))
    var deviceNameColumn: String?

    @Option(
        name: .customLong("sha256-column"),
        help: ArgumentHelp("The column holding SHA-256s (resolved to SHA-1s).", valueName: "name"))
    var sha256Column: String?

    @Flag(
        name: .customLong("no-resolve"),
        help: "Take machine ids and SHA-1s only: reject device names and SHA-256s instead of resolving them.")
    var noResolve = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one input file, or - for standard input.") }
        if files.contains("-") && format == nil {
            throw ValidationError("Reading standard input (-) needs --format csv, tsv, jsonl or json.")
        }
        if files.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("Standard input (-) can be read only once.")
        }
        if noResolve && (deviceNameColumn != nil || sha256Column != nil) {
            throw ValidationError("--no-resolve takes no --device-name-column or --sha256-column: it reads neither.")
        }
    }

    var sources: [InputSource] { files.map { $0 == "-" ? .standardInput : .file(path: $0) } }

    var ingestOptions: IngestOptions {
        IngestOptions(
            format: format, machineColumn: machineColumn, sha1Column: sha1Column, commentColumn: commentColumn,
            defaultComment: comment, deviceNameColumn: deviceNameColumn, sha256Column: sha256Column, resolve: !noResolve)
    }
}

extension InputFormat: ExpressibleByArgument {}
