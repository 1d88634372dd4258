import Foundation
import Vocabulary

/// Paths of the fixtures and of the shipped `sites/` folder, seen from the test sources.
enum FixturePaths {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func fixture(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }
    static func site(_ relative: String) -> String {
        root.appendingPathComponent("sites").appendingPathComponent(relative).path
    }
}
