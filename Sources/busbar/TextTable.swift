import Foundation

/// Aligned plain-text columns, as the register tool, inspect and the demo status print them:
/// two spaces between columns, the last column not padded.
enum TextTable {
    static func lines(titles: [String], rows: [[String]]) -> [String] {
        let all = [titles] + rows
        let widths = titles.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { cells in
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
    }
}
