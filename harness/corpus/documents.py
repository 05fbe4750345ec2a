"""Deterministic synthetic Korean news corpus for the winnow bench (stdlib only).

Every document is built from a fixed vocabulary by a random.Random seeded with (seed, index),
so document i is the same text whatever the corpus size. The text is NFC, has no double
spaces, no leading or trailing spaces on a line and one blank line between paragraphs, so a
correct decode+normalize returns it unchanged (minus the file's final newline). Every
character is CP949-encodable; the characters whose CP949 mapping differs between code-page
tables (U+00B7, U+2015, U+223C, U+FF5E, ...) are deliberately not used.
"""

import hashlib
import random
import unicodedata

# Bump when the generated text changes, so bench-data/ is regenerated.
GENERATOR_VERSION = 1

NOUNS = """
정부 기업 시장 경제 수출 수입 반도체 배터리 전기차 자동차 조선 철강 석유화학 주가 금리 물가
부동산 아파트 전세 월세 일자리 청년 고용 취업 투자 예산 정책 제도 교육 학생 학부모 교사 대학
병원 의료 환자 의사 간호사 백신 기후 폭염 한파 태풍 장마 강수량 농가 쌀 과수 어민 항만 지하철
버스 요금 교통 도로 철도 공항 관광객 축제 문화 공연 전시 박물관 도서관 미술관 스타트업 플랫폼
인공지능 데이터 보안 통신 스마트폰 소비자 소상공인 자영업자 매출 영업이익 실적 주주 배당 환율
원화 달러 무역 공급망 원자재 에너지 전력 재생에너지 원전 탄소 배출량 규제 법안 국회 여당 야당
선거 후보 지지율 여론조사 외교 정상회담 협력 안보 훈련 주민 복지 연금 저출산 고령화 인구
출생아 가구 소득 세금 재정 적자 채권 은행 대출 가계부채 연체율 보험 증권사 거래량 공장 설비
생산량 재고 물류 택배 유통 편의점 온라인 쇼핑 식품 가격 농산물 수산물 김치 라면 커피 날씨
미세먼지 산불 지진 안전 사고 경찰 수사 재판 법원 검찰 조사 결과 계획 방안 대책 지원 사업 연구
개발 기술 특허 인재 채용 임금 노조 협상 파업 청소년 어린이집 돌봄 급식 주차장 공원 하천 상수도
전통시장 골목상권 신도시 재개발 분양 청약 관리비 난방비 전기요금 가스요금 항공권 여행 숙박
""".split()

ORGS = """
산업통상자원부 기획재정부 국토교통부 보건복지부 교육부 환경부 고용노동부 행정안전부 한국은행
통계청 금융위원회 공정거래위원회 서울시 부산시 경기도 인천시 대구시 광주시 대전시 울산시 세종시
강원도 제주도 한국개발연구원 대한상공회의소 한빛전자 새솔에너지 미래모빌리티 누리통신 다온바이오
하늘항공 바다해운 푸른식품 온새미로보틱스 가람건설 한결증권 나래은행 소망병원 별빛엔터테인먼트
""".split()

PLACES = [
    "서울 종로구", "서울 강남구", "서울 마포구", "부산 해운대구", "인천 연수구", "경기 수원시",
    "경기 성남시", "대전 유성구", "광주 북구", "대구 수성구", "울산 남구", "충북 청주시",
    "충남 천안시", "전북 전주시", "전남 여수시", "경북 포항시", "경남 창원시", "강원 춘천시",
    "제주 서귀포시", "세종",
]

SURNAMES = "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 홍".split()
GIVEN = "민준 서연 지훈 수빈 현우 지은 도윤 하은 성민 영희 정호 미경 동현 은지 상철 혜진 준서 다인".split()
TITLES = "장관 대표 연구위원 교수 과장 국장 시장 이사 센터장 애널리스트 회장 부사장 팀장 위원장".split()
OUTLETS = "한빛일보 새날신문 누리뉴스 가온경제 바른타임즈 하나방송".split()

ADVERBS = "크게 다소 꾸준히 빠르게 점차 잇따라 대폭 소폭 처음으로 본격적으로 사실상 여전히 당분간".split()
ADJ = "새로운 주요 대규모 지역 국내 해외 공공 민간 단기 장기 추가 전반적인 핵심".split()
CONNECT = "이에 따라|한편|또한|다만|특히|이와 함께|반면|그러나|이 때문에|앞서".split("|")
PAST = """
발표했다 밝혔다 공개했다 집계됐다 나타났다 결정했다 승인했다 도입했다 마련했다 시행했다 강조했다
지적했다 전망했다 우려했다 기록했다 확정했다 제출했다 요청했다
""".split()
CHANGE = "증가했다 감소했다 늘었다 줄었다 올랐다 내렸다 상승했다 하락했다".split()
HEADLINE = "급증 감소 확대 추진 논란 비상 본격화 주춤 반등 제동".split()
FUTURE = "추진할 확대할 도입할 검토할 지원할 투자할 마련할 개선할".split()
ASCII = "AI IT GDP ESG OECD IMF CEO KOSPI K-POP SNS LNG EV R&D 5G IoT OTT API ETF CPI".split()
HANJA = "美 中 日 北 韓 與 野 靑".split()  # unified ideographs only (NFC-stable)
RARE = ["똠얌꿍", "햏"]  # CP949 extension syllables (not in KS X 1001)
QUOTES = [
    "시장 상황을 면밀히 살펴보겠다", "현장의 목소리를 충분히 듣겠다", "아직 결론을 내리기 이르다",
    "국민의 부담을 줄이는 데 최선을 다하겠다", "예상보다 회복 속도가 빠르다",
    "하반기에는 개선될 것으로 본다", "구체적인 일정은 정해지지 않았다", "책임 있게 대응하겠다",
]
DOMAINS = "example.co.kr news.example.kr press.example.com".split()


def has_batchim(word):
    """True if the last character is a Hangul syllable with a final consonant (or a digit
    read with one); decides between particle forms (은/는, 이/가, 을/를, 과/와)."""
    c = word[-1]
    if "가" <= c <= "힣":
        return (ord(c) - 0xAC00) % 28 != 0
    return c in "013678LMN"  # 일, 삼, 육, 칠, 팔, 영; 엘, 엠, 엔


def p(word, with_final, without_final):
    """word + particle; 으로/로 also takes 로 after a final ㄹ."""
    final = has_batchim(word)
    if with_final == "으로" and "가" <= word[-1] <= "힣" and (ord(word[-1]) - 0xAC00) % 28 == 8:
        final = False
    return word + (with_final if final else without_final)


class DocumentWriter:
    """Builds one document from a random.Random."""

    def __init__(self, rng):
        self.r = rng

    def number(self):
        """A percentage, an amount of money or a head count."""
        r = self.r
        kind = r.random()
        if kind < 0.4:
            return f"{r.randint(1, 99)}.{r.randint(0, 9)}%"
        if kind < 0.75:
            return f"{r.randint(1, 9)},{r.randint(0, 999):03d}억 원"
        return f"{r.randint(2, 999)}만 명"

    def date(self):
        return f"{self.r.randint(1, 12)}월 {self.r.randint(1, 28)}일"

    def noun(self):
        r = self.r
        x = r.random()
        if x < 0.12:
            return r.choice(ADJ) + " " + r.choice(NOUNS)
        if x < 0.18:
            return r.choice(ASCII) + " " + r.choice(NOUNS)
        if x < 0.182:  # rare: about one in 500 nouns
            return r.choice(RARE)
        return r.choice(NOUNS)

    def person(self):
        r = self.r
        return r.choice(SURNAMES) + r.choice(GIVEN)

    def sentence(self):
        r = self.r
        n1, n2, org = self.noun(), self.noun(), r.choice(ORGS)
        k = r.randrange(8)
        if k == 0:
            s = f"{org}{'은' if has_batchim(org) else '는'} {r.choice(PLACES)}에서 {p(n1, '과', '와')} 관련한 {p(n2, '을', '를')} {r.choice(PAST)}"
        elif k == 1:
            who = self.person()
            s = f"{who} {r.choice(ORGS)} {p(r.choice(TITLES), '은', '는')} “{r.choice(QUOTES)}”고 말했다"
        elif k == 2:
            s = f"{p(n1, '은', '는')} 전년 같은 기간보다 {self.number()} {r.choice(CHANGE)}"
        elif k == 3:
            s = f"{r.choice(CONNECT)} {p(org, '은', '는')} {self.number()} 규모의 {p(n1, '을', '를')} {r.choice(FUTURE)} 계획이다"
        elif k == 4:
            s = f"업계에서는 {p(n1, '이', '가')} {r.choice(ADVERBS)} {p(n2, '으로', '로')} 이어질 것으로 보고 있다"
        elif k == 5:
            s = f"{r.randint(2019, 2025)}년 기준 {n1} 관련 {p(n2, '은', '는')} {p(self.number(), '으로', '로')} 집계됐다"
        elif k == 6:
            s = f"{r.choice(CONNECT)} {p(n1, '과', '와')} {n2} 문제를 두고 ‘{r.choice(ADJ)} 대책’이 필요하다는 지적도 나온다"
        else:
            s = f"{p(org, '은', '는')} 지난 {self.date()} {n1}({r.choice(ASCII)}) 분야에서 {p(n2, '을', '를')} {r.choice(ADVERBS)} {r.choice(PAST)}"
        return s + "."

    def paragraph(self):
        return " ".join(self.sentence() for _ in range(self.r.randint(3, 6)))

    def document(self, target_bytes):
        r = self.r
        reporter = self.person()
        headline = f"{r.choice(HANJA)} {p(self.noun(), '은', '는')} {r.choice(ADVERBS)} {r.choice(HEADLINE)}…“{r.choice(QUOTES)}”"
        lead = f"({r.choice(PLACES)}={r.choice(OUTLETS)}) {reporter} 기자 = " + self.paragraph()
        parts, size = [headline, lead], len(headline) * 3 + len(lead) * 3
        while size < target_bytes:
            para = self.paragraph()
            parts.append(para)
            size += len(para.encode("utf-8")) + 2
        email = f"reporter{r.randint(1, 99):02d}@{r.choice(DOMAINS)}"
        parts.append(f"{reporter} 기자 {email}")
        return "\n\n".join(parts)


def make_document(seed, index, mean_bytes=20_000):
    """Document `index` of the corpus with `seed`: (text without final newline)."""
    rng = random.Random(seed * 1_000_003 + index)
    target = rng.randint(int(mean_bytes * 0.6), int(mean_bytes * 1.4))
    return DocumentWriter(rng).document(target)


def check_vocabulary():
    """Every vocabulary character must be NFC and CP949-encodable."""
    words = (NOUNS + ORGS + PLACES + SURNAMES + GIVEN + TITLES + OUTLETS + ADVERBS + ADJ + CONNECT
             + PAST + CHANGE + HEADLINE + FUTURE + ASCII + HANJA + RARE + QUOTES + DOMAINS + ["“”‘’…()=@.,%"])
    for w in words:
        assert unicodedata.is_normalized("NFC", w), w
        w.encode("cp949")  # raises on a character CP949 cannot hold


def sha256_text(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
