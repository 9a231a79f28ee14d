import RekonCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A growable byte buffer over raw memory for the hot path: no uniqueness or exclusivity checks per byte.
/// The owner calls `free()` (rows and outputs live for one file).
struct RawBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    func free() { base.deallocate() }

    var isEmpty: Bool { count == 0 }

    var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always) mutating func removeAll() { count = 0 }

    @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    @inline(never) private mutating func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = c
    }

    @inline(__always) mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always) mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        let d = base + count
        if n <= 16 {
            // Short words: a loop beats a call to memmove.
            for i in 0..<n { d[i] = p[i] }
        } else {
            d.update(from: p, count: n)
        }
        count += n
    }

    @inline(__always) mutating func append(_ l: Lit) { append(l.p, l.n) }

    mutating func append(_ a: [UInt8]) {
        a.withUnsafeBufferPointer { if let b = $0.baseAddress { append(b, $0.count) } }
    }

    mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { if let b = $0.baseAddress { append(b, $0.count) } }
    }

    @inline(__always) mutating func append(_ r: UnsafeRawBufferPointer) {
        if let b = r.baseAddress { append(b.assumingMemoryBound(to: UInt8.self), r.count) }
    }

    /// Decimal digits of a non-negative value, written in place (the same text as `Digits.append`).
    @inline(__always) mutating func digits(_ v: Int) {
        if v < 0 {
            byte(45)
            digits(UInt64(v.magnitude))
        } else {
            digits(UInt64(v))
        }
    }

    @inline(__always) mutating func digits(_ v: Int64) { digits(Int(v)) }

    @inline(__always) mutating func digits(_ v: UInt64) {
        var n = 1
        var x = v
        while x >= 10 {
            x /= 10
            n += 1
        }
        reserve(n)
        var i = count + n - 1
        x = v
        repeat {
            base[i] = UInt8(truncatingIfNeeded: 48 &+ x % 10)
            x /= 10
            i -= 1
        } while x > 0
        count += n
    }

    /// `v` left-padded with zeros to `width` digits (more digits when it needs them).
    @inline(__always) mutating func padded(_ v: Int, width: Int) {
        var n = 1
        var x = v
        while x >= 10 {
            x /= 10
            n += 1
        }
        let w = max(n, width)
        reserve(w)
        var i = count + w - 1
        x = v
        for _ in 0..<w {
            base[i] = UInt8(truncatingIfNeeded: 48 &+ x % 10)
            x /= 10
            i -= 1
        }
        count += w
    }

    /// `YYYY-MM-DD` (the text of `Day.appendISO`).
    @inline(__always) mutating func iso(_ d: Day) { iso(d.civil) }

    @inline(__always) mutating func iso(_ c: (year: Int, month: Int, day: Int)) {
        let (y, m, dd) = c
        reserve(10)
        let p = base + count
        p[0] = UInt8(48 + y / 1000 % 10)
        p[1] = UInt8(48 + y / 100 % 10)
        p[2] = UInt8(48 + y / 10 % 10)
        p[3] = UInt8(48 + y % 10)
        p[4] = 45
        p[5] = UInt8(48 + m / 10)
        p[6] = UInt8(48 + m % 10)
        p[7] = 45
        p[8] = UInt8(48 + dd / 10)
        p[9] = UInt8(48 + dd % 10)
        count += 10
    }
}

/// An immutable byte string with a process lifetime (tables and literals), read without reference counting.
struct Lit: @unchecked Sendable {
    let p: UnsafePointer<UInt8>
    let n: Int

    init(_ s: String) {
        let u = Array(s.utf8)
        let m = UnsafeMutablePointer<UInt8>.allocate(capacity: max(u.count, 1))
        m.initialize(from: u, count: u.count)
        p = UnsafePointer(m)
        n = u.count
    }

    var string: String { String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self) }
}

/// A list of words in one block, read by index without reference counting.
struct WordList: @unchecked Sendable {
    private let bytes: UnsafePointer<UInt8>
    private let starts: UnsafePointer<Int32>
    let count: Int

    init(_ words: [String]) {
        var blob: [UInt8] = []
        var s: [Int32] = [0]
        for w in words {
            blob.append(contentsOf: w.utf8)
            s.append(Int32(blob.count))
        }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: max(blob.count, 1))
        b.initialize(from: blob, count: blob.count)
        let o = UnsafeMutablePointer<Int32>.allocate(capacity: s.count)
        o.initialize(from: s, count: s.count)
        bytes = UnsafePointer(b)
        starts = UnsafePointer(o)
        count = words.count
    }

    @inline(__always) func append(_ k: Int, to out: inout RawBytes) {
        let s = Int(starts[k])
        let e = Int(starts[k + 1])
        out.append(bytes + s, e - s)
    }
}
