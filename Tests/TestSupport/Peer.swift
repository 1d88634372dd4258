public import Foundation

/// A process the tests run beside them: a pymodbus server, socat, or busbar itself. Output is
/// collected; the process is terminated when the peer is stopped or released.
public final class Peer: @unchecked Sendable {
    // Sendable because `process` and the pipes are only touched under `lock` or are thread-safe
    // Foundation handles; the collected output is guarded by `lock`.
    private let process = Process()
    private let lock = NSLock()
    private var collectedOutput = Data()
    private var collectedError = Data()
    private let input: Pipe?

    /// Starts `executable` with `arguments`, in `currentDirectory` when given; with `input`, its
    /// stdin is a pipe that `send` writes.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Bool = false,
        currentDirectory: URL? = nil
    ) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        self.input = input ? Pipe() : nil
        if let pipe = self.input { process.standardInput = pipe }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        out.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.collectedOutput.append(data) }
        }
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.collectedError.append(data) }
        }
        try process.run()
    }

    deinit { stop() }

    public var output: String { lock.withLock { String(decoding: collectedOutput, as: UTF8.self) } }
    public var errorOutput: String { lock.withLock { String(decoding: collectedError, as: UTF8.self) } }
    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until `output` contains `text`, or `timeout` passes. Returns whether it appeared.
    @discardableResult
    public func waitForOutput(_ text: String, timeout: Duration = .seconds(20)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.contains(text) || errorOutput.contains(text) { return true }
            if !process.isRunning { return output.contains(text) || errorOutput.contains(text) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Ends the process and waits for the exit: SIGTERM first, SIGKILL if it is still there after
    /// two seconds. (A child of the test runner may inherit a signal mask that blocks SIGTERM.)
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.01) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Writes `line` and a newline to the process's stdin (a peer started with `input: true`).
    public func send(_ line: String) {
        guard let input, process.isRunning else { return }
        // A peer that ends between the check and the write must not take the test runner with
        // it: a write to a closed pipe then fails with EPIPE instead of raising SIGPIPE.
        Glibc.signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Sends a signal (SIGHUP, SIGINT) without waiting.
    public func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end by itself and returns its exit status.
    public func waitForExit() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// The pymodbus server of Tests/Interop on a free loopback port (TCP) or a serial device (RTU),
/// once it says READY. Stop it with `defer { server.stop() }`.
public func pymodbusServer(rtu device: String? = nil) throws -> (server: Peer, port: Int) {
    let port = device == nil ? freePort() : 0
    let arguments = device.map { ["rtu", $0] } ?? ["tcp", "\(port)"]
    let server = try Peer(Paths.python, [Paths.script("pymodbus_server.py")] + arguments)
    guard server.waitForOutput("READY") else {
        server.stop()
        throw PeerDidNotStart(output: server.errorOutput)
    }
    return (server, port)
}

/// A peer that never said it was ready, with what it printed on stderr.
public struct PeerDidNotStart: Error, CustomStringConvertible {
    public var output: String
    public var description: String { "pymodbus server did not start: \(output)" }
}

/// The result of running a command to completion.
public struct CommandResult: Sendable {
    public var status: Int32
    public var output: String
    public var errorOutput: String
}

/// Runs a command to completion (killed after `timeout`) and returns its status and output; in
/// `currentDirectory` when given.
public func runCommand(
    _ executable: String, _ arguments: [String], input: String? = nil, timeout: Duration = .seconds(60),
    currentDirectory: URL? = nil
) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = Pipe()
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try? stdin.fileHandleForWriting.close()
    let timer = DispatchWorkItem { if process.isRunning { process.terminate() } }
    let (seconds, attoseconds) = timeout.components
    DispatchQueue.global().asyncAfter(
        deadline: .now() + Double(seconds) + Double(attoseconds) / 1e18, execute: timer)
    let errorData = LockedData()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errorData.set(err.fileHandleForReading.readDataToEndOfFile())
        group.leave()
    }
    let outputData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    timer.cancel()
    return CommandResult(
        status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
        errorOutput: String(decoding: errorData.get(), as: UTF8.self))
}

private final class LockedData: @unchecked Sendable {
    // Sendable: `data` is only touched under `lock`.
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

/// A TCP port that was free a moment ago on 127.0.0.1.
public func freePort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length)
            return getsockname(descriptor, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
