import Foundation

/// A serial line for tests: a socat pseudo-terminal pair whose ends are links in a fresh
/// temporary folder. What is written to one end is read at the other, as over a null-modem
/// cable; a master opens one end, a serial peer (pymodbus) the other.
public final class PseudoTerminalPair {
    /// The paths of the two ends.
    public let first: String
    public let second: String
    private let folder: URL
    private let socat: Peer

    public init(first: String = "ttyA", second: String = "ttyB") throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("busbar-pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (firstPath, secondPath) = (
            folder.appendingPathComponent(first).path, folder.appendingPathComponent(second).path
        )
        do {
            let socat = try Peer(
                "/usr/bin/socat", ["-d", "-d", "pty,raw,echo=0,link=\(firstPath)", "pty,raw,echo=0,link=\(secondPath)"])
            guard socat.waitForOutput("starting data transfer loop") else {
                socat.stop()
                throw FixtureFailure("socat: \(socat.errorOutput)")
            }
            self.socat = socat
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        self.folder = folder
        self.first = firstPath
        self.second = secondPath
    }

    /// Ends socat, and both ends with it, and removes the folder.
    public func stop() {
        socat.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    deinit { stop() }
}
