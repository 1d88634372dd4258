import Modbus
import TestSupport

/// A raw connection to a server under test on which every frame is followed by a probe, a read
/// that the server must answer: the replies that come before the probe's are the frame's, and
/// the probe's own reply shows that the stream is still in step. So a frame that must get no
/// reply is checked without waiting for a timeout.
final class ProbedConnection {
    /// What came back for one frame.
    struct Observation {
        /// The whole ADUs that came back before the probe's reply.
        var replies: [[UInt8]] = []
        /// The probe's reply, when it came.
        var probe: [UInt8]?
        /// Whether the server closed the connection.
        var closed = false
    }

    /// The probe: one holding register at 0.
    static let probePDU: [UInt8] = [0x03, 0, 0, 0, 1]

    private let port: Int
    private var connection: RawConnection
    private var pending: [UInt8] = []
    private var transaction: UInt16 = 0

    init(port: Int) throws {
        self.port = port
        connection = try RawConnection(port: port)
    }

    /// The transaction id the next frame should carry (its probe takes the one after).
    var nextTransaction: UInt16 { transaction &+ 1 }

    /// Sends `frame` and the probe in one write, and reads until the probe's reply, the end of
    /// the connection, or `timeout` without a byte.
    func exchange(_ frame: [UInt8], timeout: Duration = .seconds(2)) -> Observation {
        transaction &+= 1
        let probeTransaction = transaction &+ 1
        transaction = probeTransaction
        connection.send(frame + ModbusSpec.adu(transaction: probeTransaction, pdu: Self.probePDU))
        var observation = Observation()
        while true {
            if let reply = nextFrame() {
                if reply.transaction == probeTransaction {
                    observation.probe = reply.bytes
                    return observation
                }
                observation.replies.append(reply.bytes)
                continue
            }
            guard let bytes = connection.receive(timeout: timeout, expecting: missing) else {
                observation.closed = true
                observation.replies += pending.isEmpty ? [] : [pending]
                pending = []
                return observation
            }
            if bytes.isEmpty { return observation }
            pending += bytes
        }
    }

    /// A fresh connection, after the server closed the last one.
    func reconnect() throws {
        connection = try RawConnection(port: port)
        pending = []
    }

    /// Sends bytes as they are.
    func send(_ bytes: [UInt8]) {
        connection.send(bytes)
    }

    /// The next whole reply (an ADU), or nil when the connection closed or stayed silent.
    func nextReply() -> [UInt8]? {
        while true {
            if let reply = nextFrame() { return reply.bytes }
            guard let bytes = connection.receive(expecting: missing), !bytes.isEmpty else { return nil }
            pending += bytes
        }
    }

    /// Whether the server closes the connection (rather than answering) within the timeout.
    func isClosed(timeout: Duration = .seconds(2)) -> Bool {
        connection.receive(timeout: timeout) == nil
    }

    /// Sends a plain read and returns its reply's PDU, without a probe.
    func read(_ pdu: [UInt8]) -> [UInt8]? {
        transaction &+= 1
        let sent = transaction
        connection.send(ModbusSpec.adu(transaction: sent, pdu: pdu))
        while true {
            if let reply = nextFrame() { return reply.transaction == sent ? Array(reply.bytes[7...]) : nil }
            guard let bytes = connection.receive(expecting: missing), !bytes.isEmpty else { return nil }
            pending += bytes
        }
    }

    /// How many bytes the first frame in `pending` still lacks (its header first): what to wait
    /// for, since a read that starts inside a frame cannot tell where the next one ends.
    private var missing: Int {
        guard pending.count >= 6 else { return 7 - pending.count }
        return max(1, 6 + (Int(pending[4]) << 8 | Int(pending[5])) - pending.count)
    }

    /// The first whole ADU in `pending`, by its MBAP length.
    private func nextFrame() -> (transaction: UInt16, bytes: [UInt8])? {
        guard pending.count >= 7 else { return nil }
        let total = 6 + (Int(pending[4]) << 8 | Int(pending[5]))
        guard total >= 7, pending.count >= total else { return nil }
        let bytes = Array(pending[0..<total])
        pending.removeFirst(total)
        return (UInt16(bytes[0]) << 8 | UInt16(bytes[1]), bytes)
    }
}
