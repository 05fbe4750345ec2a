import WinnowCore

extension DedupConfig {
  /// The reasons of the documents `DedupIndex` drops (its decisions).
  static let reasons: [DropReason] = [
    DropReason("duplicate", "its normalized text equals that of the document its group keeps (`kept`: that id; `similarity` 1)"),
    DropReason(
      "near_duplicate",
      "linked by MinHash LSH to the document its group keeps (`kept`, `similarity`: estimated Jaccard); these rows hold the cleaned `text` and its metadata, not the raw input"),
  ]
}
