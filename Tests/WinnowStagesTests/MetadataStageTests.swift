import Foundation
import Testing
import WinnowCore
import WinnowTestSupport
@testable import WinnowStages

/// Runs boilerplate then metadata, as the ko-news pipeline does.
func lift(_ text: String) throws -> Document {
  var document = textDocument(text)
  _ = try makeStage(BoilerplateConfig.self, ["rules": .string("rules/ko-news.yaml")]).process(&document)
  _ = try makeStage(MetadataConfig.self, ["rules": .string("rules/ko-news.yaml")]).process(&document)
  return document
}

/// Runs metadata then boilerplate: the other order.
func liftFirst(_ text: String) throws -> Document {
  var document = textDocument(text)
  _ = try makeStage(MetadataConfig.self, ["rules": .string("rules/ko-news.yaml")]).process(&document)
  _ = try makeStage(BoilerplateConfig.self, ["rules": .string("rules/ko-news.yaml")]).process(&document)
  return document
}

/// Pages laid out as issue-style layouts do: menus, section lines, widgets, bylines and dates
/// in the orders sites use. Each: the page, then title and published.
let koLayouts: [(page: String, title: String, published: String?)] = [
  // A menu line and a section line above the headline; a date alone under the byline.
  ("한빛일보\n\n경제 IT·과학 국제\n\n오피니언\n\n심야버스 북부까지 확대…운영비 20억원\n\n홍길동 기자\n\n2025년 1월 25일\n\n\(koBody1)\n\n\(koBody2)",
   "심야버스 북부까지 확대…운영비 20억원", "2025-01-25"),
  // The menu after the headline, a weekday date under the byline.
  ("심야버스 북부까지 확대…운영비 20억원\n오피니언 빅테크 증권 기업과산업\n홍길동 기자\n2025.01.27 (금)\n\(koBody1)\n\(koBody2)",
   "심야버스 북부까지 확대…운영비 20억원", "2025-01-27"),
  // A weather widget's date on top, a date before the byline, dotted with spaces.
  ("2025.10.30 (목)\n\n흐림서울 16.5℃\n맑음부산 21.7℃\n기상청 제공\n\n시내버스 노선 개편안 발표\n\n2025. 1. 27.\n\n홍길동 기자\n\n\(koBody1)\n\n\(koBody2)",
   "시내버스 노선 개편안 발표", "2025-01-27"),
  // A clock and market widget; 수정 before 입력 on one line, with 오후 and KST.
  ("2025.12.24 (수) 08:04\n코스피 2491.35 ▲21.12\n원/달러 1347.3\n\n시내버스 노선 개편안 발표\n\n수정 2025년 01월 28일 (화) 오전 9:00  입력 2025년 01월 27일 (월) 오후 3:12\n\n\(koBody1)\n\n\(koBody2)",
   "시내버스 노선 개편안 발표", "2025-01-27T15:12:00+09:00"),
  ("시내버스 노선 개편안 발표\n\n홍길동 기자  승인 2025-01-27 14:05 KST\n\n\(koBody1)\n\n\(koBody2)", "시내버스 노선 개편안 발표", "2025-01-27T14:05:00+09:00"),
  // The byline and a slashed date in the footer.
  ("시내버스 노선 개편안 발표\n\n\(koBody1)\n\n\(koBody2)\n\n홍길동 기자\n2025/01/27\n\n저작권자 © 한빛일보 무단전재 및 재배포 금지",
   "시내버스 노선 개편안 발표", "2025-01-27"),
]

@Suite struct MetadataStageTests {
  let words: DateWords = {
    var words = DateWords()
    words.year = ["년"]; words.month = ["월"]; words.day = ["일"]; words.hour = ["시"]; words.minute = ["분"]
    words.pm = ["오후", "PM"]; words.am = ["오전", "AM"]; words.defaultZone = "+09:00"
    return words
  }()

  @Test(arguments: [
    ("입력 2025.01.23 14:05", "2025-01-23T14:05:00+09:00"),
    ("2025-01-12 06:00:00", "2025-01-12T06:00:00+09:00"),
    ("2025.10.30 (목)", "2025-10-30"),
    ("2025년 1월 23일", "2025-01-23"),
    ("2025년 1월 23일 오후 2:05", "2025-01-23T14:05:00+09:00"),
    ("2025년 1월 23일 오후 2시 5분", "2025-01-23T14:05:00+09:00"),
    ("2025. 3. 2. 오전 9:30", "2025-03-02T09:30:00+09:00"),
    ("2025-01-12T06:00:00Z", "2025-01-12T06:00:00+00:00"),
    ("2025-01-12T06:00:00.123-05:00", "2025-01-12T06:00:00-05:00"),
    ("입력 2025-01-12 10:30-11:00", "2025-01-12T10:30:00+09:00"),
    ("기사입력 2025-01-12 3:30 PM", "2025-01-12T15:30:00+09:00"),
  ])
  func parsesKoreanAndMachineDates(_ input: String, _ iso: String) {
    #expect(DateParsing.first(in: input, words: words)?.iso(defaultZone: words.defaultZone) == iso)
  }

  @Test func ignoresRelativeAndImpossibleDates() {
    #expect(DateParsing.first(in: "3시간 전", words: words) == nil)
    #expect(DateParsing.first(in: "2025.13.40", words: words) == nil)
    #expect(DateParsing.first(in: "입력 2025.02.31 14:05", words: words) == nil)
    #expect(DateParsing.first(in: "2024.02.29", words: words)?.iso(defaultZone: nil) == "2024-02-29")
    #expect(DateParsing.first(in: "2025.02.29", words: words) == nil)
    #expect(DateParsing.first(in: "전화 02-2025-1234", words: words) == nil)
  }

  @Test func inlineBylinePrefixGivesAuthorAndOutletAndIsCut() throws {
    let document = try lift("심야버스 북부까지 확대…운영비 20억원\n\n[한빛일보=홍길동 기자] \(koBody1)\n\n\(koBody2)")
    #expect(document.meta.title == "심야버스 북부까지 확대…운영비 20억원")
    #expect(document.meta.authors == ["홍길동"])
    #expect(document.meta.outlet == "한빛일보")
    #expect(document.text.paragraphs == [koBody1, koBody2])
  }

  @Test func agencyDatelinePrefixIsCut() throws {
    let document = try lift("(서울=한빛통신) 홍길동 김영희 기자 = \(koBody1)\n\n\(koBody2)")
    #expect(document.meta.authors == ["홍길동", "김영희"])
    #expect(document.meta.outlet == "한빛통신")
    #expect(document.text.paragraphs.first == koBody1)
  }

  @Test func headerBylineWithDateAndLabelledDates() throws {
    let page = "한빛일보\n\n심야버스 북부까지 확대…운영비 20억원\n\n이순신 기자 lee@hanbit.example 2025-01-12 06:00:00\n\n\(koBody1)\n\n\(koBody2)"
    let document = try lift(page)
    #expect(document.meta.authors == ["이순신"])
    #expect(document.meta.published == "2025-01-12T06:00:00+09:00")
    #expect(document.meta.title == "심야버스 북부까지 확대…운영비 20억원")
  }

  @Test func publishedLabelWinsOverModified() throws {
    let page = "심야버스 북부까지 확대…운영비 20억원\n\n수정 2025.01.24 09:00\n\n입력 2025.01.23 14:05\n\n\(koBody1)\n\n\(koBody2)"
    #expect(try lift(page).meta.published == "2025-01-23T14:05:00+09:00")
  }

  @Test(arguments: koLayouts.indices)
  func readsHeadlineAndDateWhateverTheLayout(_ index: Int) throws {
    let layout = koLayouts[index]
    let document = try lift(layout.page)
    #expect(document.meta.title == layout.title)
    #expect(document.meta.published == layout.published)
    #expect(document.meta.authors == (layout.page.contains("홍길동 기자") ? ["홍길동"] : []))
    #expect(document.text.paragraphs == [koBody1, koBody2])
  }

  @Test(arguments: koLayouts.indices)
  func metadataIsTheSameBeforeOrAfterBoilerplate(_ index: Int) throws {
    let after = try lift(koLayouts[index].page)
    let before = try liftFirst(koLayouts[index].page)
    #expect(before.meta.title == after.meta.title)
    #expect(before.meta.published == after.meta.published)
    #expect(before.meta.authors == after.meta.authors)
    #expect(before.meta.outlet == after.meta.outlet)
    #expect(before.text.paragraphs == after.text.paragraphs)
  }

  @Test func widgetDatesAreNeverThePublicationDate() throws {
    // A date with a time on the clock line, a bare one over weather lines, both above the
    // headline, and the page prints no other date.
    let clock = "2025.12.24 (수) 08:04\n코스피 2491.35 ▲21.12\n\n시내버스 노선 개편안 발표\n\n\(koBody1)\n\n\(koBody2)"
    #expect(try lift(clock).meta.published == nil)
    let weather = "한빛일보\n2025.10.30 (목)\n흐림서울 16.5℃\n\n시내버스 노선 개편안 발표\n\n\(koBody1)\n\n\(koBody2)"
    #expect(try lift(weather).meta.published == nil)
    #expect(try liftFirst(weather).meta.published == nil)
  }

  @Test func sectionAndMenuLinesAreNeverTheHeadline() throws {
    let stage = try #require(try makeStage(MetadataConfig.self, ["rules": .string("rules/ko-news.yaml")]) as? MetadataStage)
    #expect(stage.isSectionLine("경제 IT·과학 국제"))
    #expect(stage.isSectionLine("기업과산업  인터넷·게임·콘텐츠"))
    // Half the words are known names: a site's own sections.
    #expect(stage.isSectionLine("사회 커버스토리 지역 모빌리티"))
    #expect(!stage.isSectionLine("심야버스 북부까지 확대…운영비 20억원"))
    #expect(!stage.isSectionLine("경제 위기에 커지는 청년 고용 불안"))
    let page = "경제 사회 커버스토리 모빌리티 지역\n\n심야버스 북부까지 확대…운영비 20억원\n\n\(koBody1)\n\n\(koBody2)"
    #expect(try lift(page).meta.title == "심야버스 북부까지 확대…운영비 20억원")
  }

  @Test func modifiedDateAloneGivesNoDate() throws {
    let page = "시내버스 노선 개편안 발표\n\n수정 2025.01.28 09:00\n\n\(koBody1)\n\n\(koBody2)"
    #expect(try lift(page).meta.published == nil)
  }

  @Test func dateWidgetAloneIsNotThePublicationDate() throws {
    let page = "2025.10.30 (목)\n\n심야버스 북부까지 확대…운영비 20억원\n\n\(koBody1)\n\n\(koBody2)"
    #expect(try lift(page).meta.published == nil)
  }

  @Test func closingBylinesAndCopyrightOutlet() throws {
    let page = "\(koBody1)\n\n\(koBody2) 홍길동 기자\n\n저작권자 ⓒ 한빛일보, 무단 전재 및 재배포 금지"
    let document = try lift(page)
    #expect(document.meta.authors == ["홍길동"])
    #expect(document.meta.outlet == "한빛일보")
    #expect(document.text.paragraphs == [koBody1, koBody2])
  }

  @Test func bylineLineInsideTheTextIsRemoved() throws {
    let page = "\(koBody1)\n\n\(koBody2)\n\n글: 홍길동 기자\n\n\(koBody3)"
    let document = try lift(page)
    #expect(document.meta.authors == ["홍길동"])
    #expect(document.text.paragraphs == [koBody1, koBody2, koBody3])
  }

  @Test func sectionTagsAndProseAreNotOutletsOrAuthors() throws {
    let anchor = try lift("[앵커] \(koBody1)\n\n\(koBody2)\n\n저작권자 ⓒ 한빛일보, 무단 전재 및 재배포 금지")
    #expect(anchor.meta.outlet == "한빛일보")
    let subhead = try lift("\(koBody1)\n\n현장의 기자\n\n\(koBody2)")
    #expect(subhead.meta.authors.isEmpty)
    #expect(subhead.text.paragraphs.contains("현장의 기자"))
    let money = try lift("(1달러=1,300원) 환율이 크게 오르면서 수입 물가가 들썩이고 있다고 시는 밝혔다.\n\n\(koBody2)")
    #expect(money.meta.outlet == nil)
  }

  @Test func htmlMetadataIsKept() throws {
    var document = textDocument("[한빛일보=홍길동 기자] \(koBody1)")
    document.meta.authors = ["From HTML"]
    document.meta.title = "HTML title"
    _ = try makeStage(MetadataConfig.self, ["rules": .string("rules/ko-news.yaml")]).process(&document)
    #expect(document.meta.authors == ["From HTML"])
    #expect(document.meta.title == "HTML title")
    #expect(document.text == koBody1)
  }

  /// A headline line is the title even when one is NFD and the other NFC (an og:title in
  /// decomposed jamo, the page's own heading composed).
  @Test func headlineLineMatchesATitleInAnotherNormalization() throws {
    let composed = "심야버스 노선 북부까지 늘린다"
    let decomposed = composed.decomposedStringWithCanonicalMapping
    #expect(composed.utf8.count != decomposed.utf8.count)
    #expect(composed[...].sameText(decomposed))
    #expect(!"심야버스 노선"[...].sameText(decomposed))
    var document = textDocument("\(composed)\n\n\(koBody1)\n\n\(koBody2)")
    document.meta.title = decomposed
    _ = try makeStage(MetadataConfig.self, ["rules": .string("rules/ko-news.yaml")]).process(&document)
    #expect(document.text.paragraphs == [koBody1, koBody2])
    #expect(document.removed.contains { $0.rule == "headline" })
  }
}

@Suite struct SpamStageTests {
  func spam(_ text: String, removed: [RemovedLine] = []) throws -> (Verdict, Document) {
    var document = textDocument(text)
    document.removed = removed
    let verdict = try makeStage(SpamConfig.self, ["rules": .string("rules/spam-ko.yaml")]).process(&document)
    return (verdict, document)
  }

  @Test func removesBrandListLinesAndKeepsTheArticle() throws {
    let (verdict, document) = try spam("골드시티카지노\n\n\(koBody1)\n\n\(koBody2)\n\ngg카지노 헤라카지노 티모 카지노 텐카지노")
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == [koBody1, koBody2])
    #expect(document.removed.count == 2)
  }

  @Test func dropsAPageThatIsMostlySpam() throws {
    let page = """
      카지노사이트 추천 바카라사이트 안전놀이터 먹튀검증 완료 사이트만 소개합니다.
      신규가입 첫충 30% 매충 10% 페이백 5% 가입코드 7777 텔레그램 @lucky
      \(koBody1)
      """
    let (verdict, _) = try spam(page)
    guard case .drop(let drop) = verdict else { Issue.record("not dropped"); return }
    #expect(drop.reason == "spam")
  }

  @Test func newsAboutACasinoWithOneMentionPerParagraphStays() throws {
    let page = "강원랜드 카지노 매출이 지난해보다 10% 늘어난 것으로 나타났다고 회사가 24일 밝혔다.\n\n\(koBody1)\n\n\(koBody2)"
    let (verdict, document) = try spam(page)
    #expect(verdict == .keep)
    #expect(document.text.paragraphs.count == 3)
  }

  @Test func linkFarmLinesGo() throws {
    let page = "\(koBody1)\n\nhttp://a.example/1 http://b.example/2 http://c.example/3 보기\n\n\(koBody2)\n\n\(koBody3)"
    let (verdict, document) = try spam(page)
    #expect(verdict == .keep)
    #expect(document.text.paragraphs == [koBody1, koBody2, koBody3])
  }

  @Test func spamInTheRemovedHeaderCounts() throws {
    let header = (0..<6).map { RemovedLine(stage: "boilerplate", rule: "before_body", text: "바카라사이트 안전놀이터 추천 \($0)", zone: .header) }
    let (verdict, _) = try spam(koBody1, removed: header)
    #expect(verdict != .keep)
  }
}
