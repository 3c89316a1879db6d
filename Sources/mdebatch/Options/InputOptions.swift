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

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one input file, or - for standard input.") }
        if files.contains("-") && format == nil {
            throw ValidationError("Reading standard input (-) needs --format csv, tsv, jsonl or json.")
        }
        if files.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("Standard input (-) can be read only once.")
        }
    }

    var sources: [InputSource] { files.map { $0 == "-" ? .standardInput : .file(path: $0) } }

    var ingestOptions: IngestOptions {
        IngestOptions(
            format: format, machineColumn: machineColumn, sha1Column: sha1Column, commentColumn: commentColumn,
            defaultComment: comment)
    }
}

extension InputFormat: ExpressibleByArgument {}
