import Foundation
import MDEBatchCore
import Testing

/// CSV cells in a `;`-list locale: every piece a split could make must not start a formula.
struct FormulaCellTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("=1+2", "'=1+2"),
        ("-3", "'-3"),
        ("x;=cmd|' /C calc'!A0", #""x;'=cmd|' /C calc'!A0""#),
        ("=1+2;=cmd.csv", #""'=1+2;'=cmd.csv""#),
        ("a, @SUM(1)", #""a, '@SUM(1)""#),
        ("a;+b;c", #""a;'+b;c""#),
        ("a\t-b", "\"a\t'-b\""),
        ("say \"hi\"", #""say ""hi""""#),
        ("a; b", #""a; b""#),
        ("\u{FF1D}1+1", "'\u{FF1D}1+1"),
        ("2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z"),
    ])
    func cellIsNeutralizedAndQuoted(value: String, expected: String) {
        #expect(CSVReportWriter.cell(value) == expected)
    }

    @Test func noPieceOfAnyCellStartsAFormula() {
        let samples = ["=a;=b,=c\t=d", "x;-1", ";@", ",,+", "a;  =b", "\"=x\";=y"]
        for sample in samples {
            let cell = CSVReportWriter.cell(sample)
            let pieces = cell.split(omittingEmptySubsequences: false) { $0 == "," || $0 == ";" || $0 == "\t" }
            for piece in pieces {
                let start = piece.drop { $0 == " " || $0 == "\"" }.first
                #expect(start.map { !"=+-@".contains($0) } ?? true, "\(sample.debugDescription) → \(cell.debugDescription)")
            }
        }
    }
}
