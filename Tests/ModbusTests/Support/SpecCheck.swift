/// How an observed exchange departs from what the spec requires; an empty list when it does not.
enum SpecViolation: String, CaseIterable, Hashable {
    /// An exception code other than the spec's, or an exception where a response is due or the
    /// other way round: a check made in the wrong order, or the wrong check.
    case wrongAnswer = "wrong answer"
    /// A reply to a frame that must get none, or more than one reply.
    case unexpectedReply = "unexpected reply"
    /// No reply where one is due.
    case missingReply = "missing reply"
    /// A reply whose header does not frame it, or does not echo the transaction or unit id.
    case malformedReply = "malformed reply"
    /// A reply longer than a Modbus/TCP ADU (260 bytes).
    case oversizedReply = "reply over 260 bytes"
    /// The connection was closed where it must stay open, or stayed open where it must close.
    case wrongConnectionState = "connection state"
    /// The probe after the frame was not answered as the spec says: the stream is out of step.
    case outOfStep = "out of step"
}

extension ProbedConnection.Observation {
    /// The ways this observation of `frame` departs from `expected` (and the probe after it from
    /// `probe`). `maxADU` is the longest reply allowed: 260 bytes unless a handler serves longer
    /// reads as an extension.
    func violations(
        of frame: [UInt8], expected: ModbusSpec.Answer, probe: ModbusSpec.Answer, maxADU: Int = ModbusSpec.maxADU
    ) -> Set<SpecViolation> {
        var found = Set<SpecViolation>()
        for reply in replies {
            if reply.count > maxADU { found.insert(.oversizedReply) }
            let framed =
                reply.count >= 8 && reply[2] == 0 && reply[3] == 0
                && Int(reply[4]) << 8 | Int(reply[5]) == reply.count - 6
            if !framed || reply[0..<2] != frame[0..<2] || reply[6] != frame[6] { found.insert(.malformedReply) }
        }
        switch expected {
        case .closed:
            if !replies.isEmpty { found.insert(.unexpectedReply) }
            if !closed { found.insert(.wrongConnectionState) }
            return found
        case .dropped:
            if !replies.isEmpty { found.insert(.unexpectedReply) }
        case .exception(let code):
            check(replies, against: [frame[7] | 0x80, code], into: &found)
        case .response(let pdu):
            check(replies, against: pdu, into: &found)
        }
        if closed {
            found.insert(.wrongConnectionState)
        } else if case .response(let pdu) = probe, self.probe.map({ Array($0[7...]) }) != pdu {
            found.insert(.outOfStep)
        }
        return found
    }

    private func check(_ replies: [[UInt8]], against pdu: [UInt8], into found: inout Set<SpecViolation>) {
        guard let reply = replies.first else {
            found.insert(.missingReply)
            return
        }
        if replies.count > 1 { found.insert(.unexpectedReply) }
        if reply.count < 8 || Array(reply[7...]) != pdu { found.insert(.wrongAnswer) }
    }
}
