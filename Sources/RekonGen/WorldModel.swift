import RekonCore

/// A product of the synthetic insurer, as written to `rekon.json`.
struct ProductSpec: Sendable {
    let code: String
    let coverage: String
    let name: String
    /// (max_tenor_months, rate) in increasing tenor order; one band with Int.max for a flat rate.
    let bands: [(maxTenor: Int, rate: Rate)]
    /// The tenors the banks sell, all covered by a band.
    let tenors: [Int]
    /// The sum insured range, in millions of rupiah.
    let siMillions: (lo: Int, hi: Int)
    /// How much a plafond may exceed the sum insured, in steps of 500 000.
    let plafondSteps: Int
    /// The product's `refund` object in rekon.json.
    let refundJSON: String

    let codeBytes: Lit
    let coverageBytes: Lit
    /// The rate of each band as written in `premium_rate_permille` (the shortest decimal form).
    let rateTexts: [Lit]

    init(
        code: String, coverage: String, name: String, bands: [(maxTenor: Int, rate: Rate)], tenors: [Int],
        siMillions: (lo: Int, hi: Int), plafondSteps: Int, refundJSON: String
    ) {
        self.refundJSON = refundJSON
        self.code = code
        self.coverage = coverage
        self.name = name
        self.bands = bands
        self.tenors = tenors
        self.siMillions = siMillions
        self.plafondSteps = plafondSteps
        codeBytes = Lit(code)
        coverageBytes = Lit(coverage)
        rateTexts = bands.map { band in
            var t: [UInt8] = []
            FixedPoint.append(band.rate.micros, scale: 6, to: &t)
            return Lit(String(decoding: t, as: UTF8.self))
        }
    }

    /// The first band covering the tenor (the tenors sold are always covered).
    func band(tenor: Int) -> Int {
        for (k, b) in bands.enumerated() where tenor <= b.maxTenor { return k }
        return bands.count - 1
    }

    func rate(tenor: Int) -> Rate { bands[band(tenor: tenor)].rate }

    var isFlat: Bool { bands.count == 1 && bands[0].maxTenor == Int.max }
}

/// The limits every product shares (SPEC §4 keys of `rekon.json`).
enum ProductLimits {
    static let entryAge = (min: 18, max: 65)
    static let maxAgeAtMaturity = 75
    static let tenorMonths = (min: 6, max: 240)
    static let sumInsured = (min: Int64(1_000_000), max: Int64(5_000_000_000))
}

/// One of the three banks of the world.
struct BankSpec: Sendable {
    let code: String
    let codeBytes: Lit
    /// The drop layout it uses when the options allow it.
    let preferred: DropFormat
    /// Its share of the policies, in percent (the last bank takes the rest).
    let share: Int
    /// The first digits of its loan numbers.
    let loanPrefix: Lit
}

/// Word tables the names and addresses are built from, by index.
struct Tables: Sendable {
    static let shared = Tables()

    let maleFirst = WordList([
        "Budi", "Agus", "Andi", "Dedi", "Eko", "Hendra", "Irfan", "Joko", "Muhammad", "Rizky", "Slamet", "Wahyu",
        "Yusuf", "Bambang", "Fajar", "Gilang", "Hadi", "Iwan", "Kurniawan", "Rudi", "Taufik", "Teguh", "Arif",
        "Dimas", "Reza", "Ahmad", "Bayu", "Imam", "Yoga", "Ma'ruf", "Sutrisno", "Hariyanto", "Gede", "Made",
        "Ketut", "Ujang", "Asep", "Daeng", "Lukman", "Rahmat",
    ])
    let femaleFirst = WordList([
        "Siti", "Sri", "Dewi", "Ayu", "Indah", "Rina", "Wulan", "Fitri", "Nur", "Putri", "Ratna", "Yuni", "Lestari",
        "Maya", "Nia", "Desi", "Intan", "Kartika", "Mega", "Novi", "Rahma", "Sari", "Tuti", "Wati", "Anisa", "Dian",
        "Eka", "Lina", "Nurul", "Yanti", "Ni Luh", "Kadek", "Euis", "Cut", "Fatimah", "Aminah",
    ])
    let maleMiddle = WordList(["Adi", "Dwi", "Tri", "Eka", "Putra", "Rahmat", "Nur", "Hidayat", "Budi", "Aji"])
    let femaleMiddle = WordList(["Dwi", "Tri", "Eka", "Nur", "Ayu", "Putri", "Sri", "Indah", "Mawar", "Kurnia"])
    let surname = WordList([
        "Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Kusuma", "Setiawan", "Nugroho", "Siregar",
        "Nasution", "Simanjuntak", "Lubis", "Harahap", "Sinaga", "Gunawan", "Halim", "Wibowo", "Susanto",
        "Hartono", "Purnomo", "Suryadi", "Rahman", "Hakim", "Syahputra", "Permana", "Firmansyah", "Sihombing",
        "Tanjung", "Maharani", "Rahayu", "Utami", "Wulandari", "Pangaribuan", "Matondang", "Manurung",
        "Pattiasina", "Tanoto", "Kurniasih", "Haryanto", "Sulistyo",
    ])
    /// Academic titles that follow a name after a comma.
    let titles = WordList([", S.E.", ", S.H.", ", S.Kom.", ", S.Pd.", ", M.M.", ", S.T."])
    let streets = WordList([
        "Jl. Jend. Sudirman", "Jl. M.H. Thamrin", "Jl. Gatot Subroto", "Jl. Diponegoro", "Jl. Ahmad Yani",
        "Jl. Merdeka", "Jl. Pahlawan", "Jl. Gajah Mada", "Jl. Hayam Wuruk", "Jl. Veteran", "Jl. Pemuda",
        "Jl. R.A. Kartini", "Jl. Cendrawasih", "Gg. Melati", "Gg. Mawar", "Jl. Anggrek", "Jl. Kenanga",
        "Jl. Flamboyan", "Jl. Raya Bogor", "Jl. Imam Bonjol", "Jl. Teuku Umar", "Jl. Sisingamangaraja",
        "Jl. Pattimura", "Jl. Sultan Hasanuddin", "Jl. Dr. Sutomo", "Jl. KH. Hasyim Ashari", "Perum Griya Asri Blok C",
        "Komplek Ruko Niaga Blok A & B", "Jl. Kebon Jeruk Raya", "Jl. Pramuka",
    ])
    /// Cities: name, branch prefix, the first four NIK digits (province and regency), districts, kelurahan.
    static let cityTable: [(name: String, branch: String, region: Int, districts: Int, kelurahan: [String])] = [
        ("Jakarta Pusat", "JKT", 3171, 8, ["Gambir", "Menteng", "Cikini", "Kebon Kacang", "Petojo Utara", "Senen"]),
        (
            "Jakarta Selatan", "JKS", 3174, 10,
            ["Kebayoran Baru", "Tebet Barat", "Pancoran", "Cilandak Timur", "Bangka", "Cipete Utara"]
        ),
        ("Bandung", "BDG", 3273, 30, ["Sukajadi", "Dago", "Cicendo", "Lengkong", "Buahbatu", "Antapani Kidul"]),
        ("Surabaya", "SBY", 3578, 31, ["Gubeng", "Tegalsari", "Wonokromo", "Rungkut Kidul", "Keputih", "Darmo"]),
        ("Semarang", "SMG", 3374, 16, ["Candisari", "Banyumanik", "Tembalang", "Pedurungan Kidul", "Jatingaleh"]),
        ("Yogyakarta", "YOG", 3471, 14, ["Baciro", "Warungboto", "Prenggan", "Brontokusuman", "Terban"]),
        ("Medan", "MDN", 1271, 21, ["Babura", "Petisah Tengah", "Gedung Johor", "Sunggal", "Polonia"]),
        ("Makassar", "MKS", 7371, 15, ["Pandang", "Mangasa", "Banta-Bantaeng", "Mariso", "Karuwisi"]),
        ("Denpasar", "DPS", 5171, 4, ["Dauh Puri", "Sumerta", "Sanur", "Panjer", "Pemecutan"]),
        ("Palembang", "PLG", 1671, 18, ["Bukit Lama", "Seberang Ulu", "Kemuning", "Sukarami", "Talang Semut"]),
        ("Malang", "MLG", 3573, 5, ["Klojen", "Lowokwaru", "Blimbing", "Sukun", "Oro-Oro Dowo"]),
        ("Tangerang", "TNG", 3671, 13, ["Cipondoh", "Karawaci", "Ciledug", "Batuceper", "Sukasari"]),
        ("Bekasi", "BKS", 3275, 12, ["Kranji", "Pengasinan", "Jatiasih", "Jatiwaringin", "Harapan Jaya"]),
        ("Balikpapan", "BPN", 6471, 6, ["Klandasan Ilir", "Gunung Samarinda", "Sepinggan", "Damai"]),
        ("Manado", "MND", 7171, 11, ["Sario", "Wenang Utara", "Malalayang Satu", "Tikala Baru"]),
    ]
    let cityCount = Tables.cityTable.count
    let cityNames = WordList(Tables.cityTable.map(\.name))
    let cityBranches = WordList(Tables.cityTable.map(\.branch))
    let cityRegions = Tables.cityTable.map(\.region)
    let cityDistricts = Tables.cityTable.map(\.districts)
    let kelurahanCount = Tables.cityTable.map(\.kelurahan.count)
    let kelurahanStart: [Int] = {
        var s: [Int] = []
        var at = 0
        for c in Tables.cityTable {
            s.append(at)
            at += c.kelurahan.count
        }
        return s
    }()
    let kelurahan = WordList(Tables.cityTable.flatMap(\.kelurahan))
    let phonePrefixes = WordList([
        "0811", "0812", "0813", "0821", "0822", "0852", "0853", "0856", "0857", "0858", "0877", "0878", "0896",
        "0897", "0881",
    ])
    let houseNo = Lit(" No. "), rt = Lit(" RT "), rw = Lit("/RW "), kel = Lit("Kel. "), commaSpace = Lit(", ")
}

/// Whether a policy must be active or expired at the cut-off (faults that need one or the other).
enum StatusForce: Sendable { case none, active, expired }

/// One clean policy, compact: numbers and table indices. Its text is built on demand, so the world
/// never holds a String per field per row; the ledger re-derives each policy from its index.
struct PolicyRecord: Sendable {
    var index: Int
    var bank: Int
    var serial: Int
    /// The serial its loan number derives from (a loan duplicate keeps the original's).
    var loanSerial: Int
    var product: Int
    var tenor: Int
    var rate: Rate
    var sumInsured: Int64
    /// -1 when the row leaves the (optional) plafond empty.
    var plafond: Int64
    var premium: Int64
    var start: Day
    var end: Day
    var expired: Bool
    var birth: Day
    /// The civil dates of `birth`, `start` and `end`, computed once.
    var birthCivil: (year: Int, month: Int, day: Int)
    var startCivil: (year: Int, month: Int, day: Int)
    var endCivil: (year: Int, month: Int, day: Int)
    var female: Bool
    var city: Int
    var district: Int
    var nikSerial: Int
    var first: Int
    var middle: Int
    var last: Int
    var title: Int
    var street: Int
    var houseNo: Int
    var rt: Int
    var rw: Int
    var kelurahan: Int
    var multilineAddress: Bool
    var phonePrefix: Int
    var phoneNumber: Int
    var phoneDigits: Int
    var branch: Int
    var currencyEmpty: Bool
    /// 0: the ledger spells the name as the bank; 1...4: a harmless case or blank variation.
    var ledgerNameVariant: Int
    var ledgerRefundEmpty: Bool
    var issueDelayDays: Int
    var issueSeconds: Int
}

/// The fixed parts of a world and the derivation of its policies.
struct WorldModel: Sendable {
    let seed: UInt64
    let asOf: Day
    let tables = Tables.shared
    let products: [ProductSpec] = WorldModel.standardProducts
    let banks: [BankSpec] = WorldModel.standardBanks
    /// Digits of the serial in policy refs and certificate numbers (at least 7).
    let serialWidth: Int
    /// The share of clean policies, in percent, that get endorsements.
    let endorsementPercent: Int
    /// The share of clean policies without endorsements, in percent, that get a claim.
    let claimPercent: Int

    static let standardProducts: [ProductSpec] = [
        ProductSpec(
            code: "KPR-LIFE", coverage: "LIFE", name: "KPR home loan life cover (coverage LIFE)",
            bands: [(12, Rate(micros: 5_000_000)), (60, Rate(micros: 7_500_000)), (240, Rate(micros: 12_250_000))],
            tenors: [12, 24, 36, 60, 84, 120, 180, 240], siMillions: (100, 2_500), plafondSteps: 60,
            refundJSON: "{\"method\": \"PRO_RATA_MONTHS\"}"),
        ProductSpec(
            code: "KTA-PHK", coverage: "LIFE_PHK", name: "KTA personal loan life and lay-off cover (coverage LIFE_PHK)",
            bands: [(Int.max, Rate(micros: 9_500_000))],
            tenors: [6, 12, 18, 24, 36, 48, 60], siMillions: (10, 500), plafondSteps: 20,
            refundJSON: "{\"method\": \"RULE_OF_78\", \"admin_fee\": 25000}"),
        ProductSpec(
            code: "KUR-CREDIT", coverage: "CREDIT", name: "KUR micro business credit cover (coverage CREDIT)",
            bands: [(Int.max, Rate(micros: 15_000_000))],
            tenors: [6, 12, 18, 24, 36], siMillions: (5, 500), plafondSteps: 10,
            refundJSON: "{\"method\": \"PRO_RATA_DAYS\", \"share\": 0.9}"),
    ]

    static let standardBanks: [BankSpec] = [
        BankSpec(code: "BKA", codeBytes: Lit("BKA"), preferred: .csv, share: 45, loanPrefix: Lit("0102")),
        BankSpec(code: "BKB", codeBytes: Lit("BKB"), preferred: .gzip, share: 35, loanPrefix: Lit("2207")),
        BankSpec(code: "BKC", codeBytes: Lit("BKC"), preferred: .xml, share: 20, loanPrefix: Lit("3310")),
    ]

    /// The products as rekon reads them from the world's rekon.json (refund rules, rates), by `products` index.
    let configProducts: [Product]

    init(
        seed: UInt64, asOf: Day, serialWidth: Int, endorsementPercent: Int = 20, claimPercent: Int = 2,
        configProducts: [Product]
    ) {
        self.endorsementPercent = endorsementPercent
        self.claimPercent = claimPercent
        self.seed = seed
        self.asOf = asOf
        self.serialWidth = serialWidth
        self.configProducts = configProducts
    }

    /// Policy `index` of the world (the `serial`-th of its bank), derived from its own random stream.
    func policy(_ index: Int, bank: Int, serial: Int, force: StatusForce) -> PolicyRecord {
        var r = SplitMix64.stream(seed: seed, salt: 0x5EED_0001, index: index)
        let pp = r.below(100)
        let product = pp < 30 ? 0 : (pp < 70 ? 1 : 2)
        let spec = products[product]
        let tenor = spec.tenors[r.below(spec.tenors.count)]
        let rate = spec.rate(tenor: tenor)
        // Skewed towards small loans: the product of two uniforms.
        let span = spec.siMillions.hi - spec.siMillions.lo + 1
        let millions = spec.siMillions.lo + r.below(span) * r.below(span) / span
        let si = Int64(millions) * 1_000_000
        var plafond = r.percent(30) ? si : si + Int64(r.inRange(1, spec.plafondSteps)) * 500_000
        if r.permille(30) { plafond = -1 }

        let wantsExpired = r.percent(12)
        let expiredTarget = force == .none ? wantsExpired : force == .expired
        var start: Day
        let backExpired = r.inRange(1, 720)
        let backActive = r.inRange(1, force == .active ? 150 : 365)
        if expiredTarget {
            start = asOf.addingMonths(-tenor).addingDays(-backExpired)
            while start.addingMonths(tenor) >= asOf { start = start.addingDays(-7) }
        } else {
            start = asOf.addingDays(-backActive)
        }
        let end = start.addingMonths(tenor)

        // An entry age that keeps the age at maturity within the limit.
        let years = (tenor + 11) / 12
        let age = r.inRange(21, min(60, ProductLimits.maxAgeAtMaturity - 1 - years))
        var birth = start.addingMonths(-(12 * age + r.below(12))).addingDays(-r.below(28))
        let sc = start.civil
        let ec = end.civil
        var bc = birth.civil
        while WorldModel.years(ec, since: bc) > ProductLimits.maxAgeAtMaturity
            || WorldModel.years(sc, since: bc) > ProductLimits.entryAge.max
        {
            birth = birth.addingMonths(12)
            bc = birth.civil
        }
        while WorldModel.years(sc, since: bc) < ProductLimits.entryAge.min {
            birth = birth.addingMonths(-12)
            bc = birth.civil
        }

        let female = r.below(2) == 1
        let city = r.below(tables.cityCount)
        let district = r.inRange(1, tables.cityDistricts[city])
        let nikSerial = r.inRange(1, 9999)
        let first = r.below(female ? tables.femaleFirst.count : tables.maleFirst.count)
        let shape = r.below(100)
        let middleDraw = r.below(female ? tables.femaleMiddle.count : tables.maleMiddle.count)
        let lastDraw = r.below(tables.surname.count)
        let middle = shape >= 70 ? middleDraw : -1
        let last = shape >= 15 ? lastDraw : -1
        let titleDraw = r.below(tables.titles.count)
        let title = r.permille(25) ? titleDraw : -1
        let street = r.below(tables.streets.count)
        let houseNo = r.inRange(1, 250)
        let rt = r.inRange(1, 15)
        let rw = r.inRange(1, 12)
        let kelurahan = r.below(tables.kelurahanCount[city])
        let multiline = r.percent(4)
        let noPhone = r.permille(50)
        let phonePrefix = r.below(tables.phonePrefixes.count)
        let phoneDigits = r.percent(60) ? 8 : 7
        let phoneNumber = r.below(phoneDigits == 8 ? 100_000_000 : 10_000_000)
        let branch = r.inRange(1, 30)
        let currencyEmpty = r.permille(20)
        let variantDraw = r.inRange(1, 4)
        let variant = r.permille(30) ? variantDraw : 0
        let refundEmpty = r.percent(25)
        let delay = r.inRange(0, 3)
        let seconds = r.inRange(7 * 3600, 20 * 3600)

        return PolicyRecord(
            index: index, bank: bank, serial: serial, loanSerial: serial, product: product, tenor: tenor, rate: rate,
            sumInsured: si,
            plafond: plafond, premium: Money.premium(sumInsured: si, rate: rate), start: start, end: end,
            expired: end < asOf, birth: birth, birthCivil: bc, startCivil: sc, endCivil: ec, female: female, city: city,
            district: district, nikSerial: nikSerial,
            first: first, middle: middle, last: last, title: title, street: street, houseNo: houseNo, rt: rt, rw: rw,
            kelurahan: kelurahan, multilineAddress: bank == 1 && (serial == 1 || multiline),
            phonePrefix: noPhone ? -1 : phonePrefix, phoneNumber: phoneNumber, phoneDigits: phoneDigits,
            branch: branch, currencyEmpty: currencyEmpty, ledgerNameVariant: variant, ledgerRefundEmpty: refundEmpty,
            issueDelayDays: delay, issueSeconds: seconds)
    }

    /// Whole years from `birth` to `at` (`Day.years(since:)` on civil dates).
    @inline(__always) static func years(
        _ at: (year: Int, month: Int, day: Int), since b: (year: Int, month: Int, day: Int)
    ) -> Int {
        var age = at.year - b.year
        if at.month < b.month || (at.month == b.month && at.day < b.day) { age -= 1 }
        return age
    }

    /// Whether a (possibly altered) policy still passes the product rules rekon applies.
    func passesRules(_ p: PolicyRecord) -> Bool {
        let entry = p.start.years(since: p.birth)
        let atEnd = p.end.years(since: p.birth)
        return p.start < asOf && entry >= ProductLimits.entryAge.min && entry <= ProductLimits.entryAge.max
            && atEnd <= ProductLimits.maxAgeAtMaturity && p.end == p.start.addingMonths(p.tenor)
    }

    // MARK: - Field text

    func appendRef(bank: Int, serial: Int, to out: inout RawBytes) {
        out.append(banks[bank].codeBytes)
        out.byte(UInt8(ascii: "-"))
        out.byte(UInt8(ascii: "P"))
        out.byte(UInt8(ascii: "-"))
        out.padded(serial, width: serialWidth)
    }

    func ref(bank: Int, serial: Int) -> String {
        var b = RawBytes(capacity: 32)
        defer { b.free() }
        appendRef(bank: bank, serial: serial, to: &b)
        return String(decoding: b.raw, as: UTF8.self)
    }

    func appendCertificateNo(bank: Int, number: Int, to out: inout RawBytes) {
        out.byte(UInt8(ascii: "C"))
        out.append(banks[bank].codeBytes)
        out.padded(number, width: serialWidth)
    }

    func appendBranch(_ p: PolicyRecord, to out: inout RawBytes) {
        tables.cityBranches.append(p.city, to: &out)
        out.padded(p.branch, width: 3)
    }

    /// 16 digits: province+regency (4), district (2), DDMMYY of the birth (DD + 40 for women), serial (4).
    func appendNIK(_ p: PolicyRecord, to out: inout RawBytes) {
        out.padded(tables.cityRegions[p.city], width: 4)
        out.padded(p.district, width: 2)
        let (y, m, d) = p.birthCivil
        out.padded(p.female ? d + 40 : d, width: 2)
        out.padded(m, width: 2)
        out.padded(y % 100, width: 2)
        out.padded(p.nikSerial, width: 4)
    }

    func appendName(_ p: PolicyRecord, to out: inout RawBytes) {
        (p.female ? tables.femaleFirst : tables.maleFirst).append(p.first, to: &out)
        if p.middle >= 0 {
            out.byte(32)
            (p.female ? tables.femaleMiddle : tables.maleMiddle).append(p.middle, to: &out)
        }
        if p.last >= 0 {
            out.byte(32)
            tables.surname.append(p.last, to: &out)
        }
        if p.title >= 0 { tables.titles.append(p.title, to: &out) }
    }

    enum AddressStyle { case oneLine, twoLines, oneComma }

    /// `Jl. Merdeka No. 12 RT 003/RW 005, Kel. Sukajadi, Bandung` (commas: the CSV field is quoted);
    /// two lines put `Kel. …` on a second line; `oneComma` drops the first comma (for a row written unquoted).
    func appendAddress(_ p: PolicyRecord, style: AddressStyle, to out: inout RawBytes) {
        tables.streets.append(p.street, to: &out)
        out.append(tables.houseNo)
        out.digits(p.houseNo)
        out.append(tables.rt)
        out.padded(p.rt, width: 3)
        out.append(tables.rw)
        out.padded(p.rw, width: 3)
        switch style {
        case .oneLine: out.append(tables.commaSpace)
        case .twoLines: out.byte(10)
        case .oneComma: out.byte(32)
        }
        out.append(tables.kel)
        tables.kelurahan.append(tables.kelurahanStart[p.city] + p.kelurahan, to: &out)
        out.append(tables.commaSpace)
        tables.cityNames.append(p.city, to: &out)
    }

    func appendPhone(_ p: PolicyRecord, to out: inout RawBytes) {
        guard p.phonePrefix >= 0 else { return }
        tables.phonePrefixes.append(p.phonePrefix, to: &out)
        out.padded(p.phoneNumber, width: p.phoneDigits)
    }

    /// Unique per bank: an affine bijection of the serial modulo 10^10 (the multiplier is prime to 10)
    /// behind the bank's prefix, so that consecutive loans do not look consecutive.
    func appendLoanNo(_ p: PolicyRecord, to out: inout RawBytes) {
        out.append(banks[p.bank].loanPrefix)
        let offset = SplitMix64.mix(seed ^ UInt64(p.bank + 1)) % 10_000_000_000
        let scrambled = (UInt64(p.loanSerial) % 10_000_000_000 &* 7_046_029_257 &+ offset) % 10_000_000_000
        out.padded(Int(scrambled), width: 10)
    }
}
