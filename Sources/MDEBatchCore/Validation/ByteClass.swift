/// Lookup tables that classify a byte in one load, for the per-row hot loops.
enum ByteClass {
    /// Bits 0–3: the value of a hex digit; `upperHex` for `A`–`F`; `notHex` for anything
    /// that is not a hex digit.
    nonisolated(unsafe) static let hex: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            switch UInt8(byte) {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): table[byte] = UInt8(byte) - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): table[byte] = UInt8(byte) - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): table[byte] = (UInt8(byte) - UInt8(ascii: "A") + 10) | upperHex
            default: table[byte] = notHex
            }
        }
        return UnsafePointer(table)
    }()

    static let upperHex: UInt8 = 0x10
    static let notHex: UInt8 = 0x80

    /// `lineBreak` for CR and LF, `control` for the other C0 controls and DEL, `maybeC1`
    /// for 0xC2 (the lead byte of the C1 controls U+0080–U+009F, and of ordinary
    /// characters such as `é`'s neighbours), `nonASCII` for every byte from 0x80.
    nonisolated(unsafe) static let comment: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            var value: UInt8 = 0
            if byte == 0x0A || byte == 0x0D {
                value = lineBreak
            } else if byte < 0x20 || byte == 0x7F {
                value = control
            }
            if byte >= 0x80 { value |= nonASCII }
            if byte == 0xC2 { value |= maybeC1 }
            table[byte] = value
        }
        return UnsafePointer(table)
    }()

    static let lineBreak: UInt8 = 0x01
    static let control: UInt8 = 0x02
    static let maybeC1: UInt8 = 0x04
    static let nonASCII: UInt8 = 0x08

    /// The OR of every byte's ``hex`` class.
    @inline(__always)
    static func hexFlags(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let table = hex
        var flags: UInt8 = 0
        for byte in bytes { flags |= table[Int(byte)] }
        return flags & (upperHex | notHex)
    }

    /// The OR of every byte's ``comment`` class.
    @inline(__always)
    static func commentFlags(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let table = comment
        var flags: UInt8 = 0
        for byte in bytes { flags |= table[Int(byte)] }
        return flags
    }
}
