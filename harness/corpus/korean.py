"""Korean news prose for the winnow evaluation set: names, stories, headlines, captions, spam.

Everything here is written for this generator (our own vocabulary and sentence templates);
nothing is copied from real pages. Every function takes a `random.Random` so the set is
deterministic for a seed. Standard library only.
"""

# --- particles ----------------------------------------------------------------------------

# How a final digit or Latin letter is read in Korean, as (has final consonant, final is ㄹ).
_DIGIT_FINAL = {"0": (True, False), "1": (True, True), "2": (False, False), "3": (True, False),
                "4": (False, False), "5": (False, False), "6": (True, False), "7": (True, True),
                "8": (True, True), "9": (False, False)}
_LATIN_FINAL = {c: (False, False) for c in "abcdefghijklmnopqrstuvwxyz"}
_LATIN_FINAL.update({"l": (True, True), "m": (True, False), "n": (True, False), "r": (False, False)})


def final_sound(word):
    """(has a final consonant, that consonant is ㄹ) for the last readable character of word."""
    for ch in reversed(word):
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7A3:
            jong = (code - 0xAC00) % 28
            return jong != 0, jong == 8
        if ch in _DIGIT_FINAL:
            return _DIGIT_FINAL[ch]
        if ch.lower() in _LATIN_FINAL:
            return _LATIN_FINAL[ch.lower()]
        if ch == "%":
            return False, False  # 퍼센트
    return False, False


def j(word, pair):
    """word + the right particle: j('회사', '은는') -> '회사는'; pairs: 은는 이가 을를 과와 으로."""
    has, is_rieul = final_sound(word)
    if pair == "으로":
        return word + ("로" if (not has or is_rieul) else "으로")
    if pair == "이라":  # quoted copula: '…이라고' / '…라고'
        return word + ("이라" if has else "라")
    return word + (pair[0] if has else pair[1])


# --- vocabulary ---------------------------------------------------------------------------

SURNAMES = ("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 홍 전 고 문 양 손 배 백 허 "
            "남 심 노 하 곽 성 차 주 우 구 민 유 나 진 엄 채 원 천 방 공 현 함 변 염 여 추 도 석 "
            "선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용").split()
GIVEN = ("민 서 준 지 현 수 우 영 진 호 연 은 하 윤 성 재 경 희 정 원 동 혜 태 승 주 소 예 채 다 도 "
         "시 유 아 인 상 선 용 석 철 훈 혁 규 빈 나 람 솔 별 율 찬 건 형 한 결 온 범 기 환 식 미 "
         "숙 자 순 옥 란 화 근 열 욱 웅 택 국 남 광 명 종 창 섭 완 중 목 설 겸 담 린 휘 "
         "슬 봄 새 누 리 보 라 든 해 밀 길 늘").split()

# Romanisation of the syllables above, for e-mail addresses.
ROMAN = {
    "김": "kim", "이": "lee", "박": "park", "최": "choi", "정": "jung", "강": "kang", "조": "cho",
    "윤": "yoon", "장": "jang", "임": "lim", "한": "han", "오": "oh", "서": "seo", "신": "shin",
    "권": "kwon", "황": "hwang", "안": "ahn", "송": "song", "류": "ryu", "홍": "hong", "전": "jeon",
    "고": "ko", "문": "moon", "양": "yang", "손": "son", "배": "bae", "백": "baek", "허": "heo",
    "남": "nam", "심": "shim", "노": "noh", "하": "ha", "곽": "kwak", "성": "sung", "차": "cha",
    "주": "joo", "우": "woo", "구": "koo", "민": "min", "유": "yoo", "나": "na", "진": "jin",
    "엄": "eom", "채": "chae", "원": "won", "천": "cheon", "방": "bang", "공": "kong", "현": "hyun",
    "함": "ham", "변": "byun", "염": "yeom", "여": "yeo", "추": "choo", "도": "do", "석": "seok",
    "선": "sun", "설": "seol", "마": "ma", "길": "gil", "연": "yeon", "위": "wi", "표": "pyo",
    "명": "myung", "기": "ki", "반": "ban", "왕": "wang", "금": "geum", "옥": "ok", "육": "yook",
    "인": "in", "맹": "maeng", "제": "je", "모": "mo", "탁": "tak", "국": "kook", "어": "eo",
    "은": "eun", "편": "pyun", "용": "yong", "준": "jun", "지": "ji", "수": "su", "영": "young",
    "호": "ho", "재": "jae", "경": "kyung", "희": "hee", "동": "dong", "혜": "hye", "태": "tae",
    "승": "seung", "소": "so", "예": "ye", "다": "da", "시": "si", "아": "a", "상": "sang",
    "철": "chul", "훈": "hoon", "혁": "hyuk", "규": "kyu", "빈": "bin", "람": "ram", "솔": "sol",
    "별": "byul", "율": "yul", "찬": "chan", "건": "gun", "형": "hyung", "결": "gyeol", "온": "on",
    "범": "beom", "환": "hwan", "식": "sik", "미": "mi", "숙": "sook", "자": "ja", "순": "soon",
    "란": "ran", "화": "hwa", "근": "geun", "열": "yeol", "욱": "wook", "웅": "woong", "택": "taek",
    "광": "kwang", "종": "jong", "창": "chang", "섭": "seop", "완": "wan", "중": "joong",
    "목": "mok", "겸": "gyeom", "담": "dam", "린": "rin", "휘": "hwi", "슬": "seul", "봄": "bom",
    "새": "sae", "누": "nu", "리": "ri", "보": "bo", "라": "ra", "든": "deun", "해": "hae",
    "밀": "mil", "늘": "neul",
}

CITIES = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "청주", "전주",
          "창원", "포항", "춘천", "원주", "강릉", "제주", "천안", "김해", "여수", "목포", "안동",
          "경주", "군산", "평택", "구미", "진주", "순천", "속초", "충주"]
FOREIGN = ["워싱턴", "뉴욕", "도쿄", "베이징", "파리", "런던", "베를린", "브뤼셀", "하노이", "실리콘밸리"]
DISTRICTS = ["중구", "동구", "서구", "남구", "북구", "수성구", "해운대구", "유성구", "연수구", "덕진구",
             "상당구", "의창구", "분당구", "일산동구", "달서구"]

COMPANIES = ["대양전자", "미르바이오", "청솔건설", "누리모빌리티", "가람반도체", "새봄식품", "하늘물산",
             "동해해운", "은하통신", "솔빛제약", "한결에너지", "다온로보틱스", "바른소재", "푸른제지",
             "온새미로직스", "별빛엔터테인먼트", "가온금융", "나래항공", "라온소프트", "마루화학",
             "보람유통", "세움디앤씨", "아름케미칼", "우리들정밀", "이음네트웍스", "한빛배터리",
             "해솔조선", "든해바이오", "늘봄헬스케어", "새길자동차"]
INSTITUTES = ["한국경제정책연구소", "미래산업연구원", "국토발전연구원", "에너지전환연구소",
              "디지털정책연구원", "보건의료분석원", "지역균형연구센터", "노동시장연구원"]
UNIVS = ["한빛대", "새봄대", "누리대", "가람대", "솔내대", "미르과학기술원", "바다대", "하늘여대"]
MINISTRIES = ["기획재정부", "산업통상자원부", "국토교통부", "환경부", "교육부", "보건복지부",
              "중소벤처기업부", "과학기술정보통신부", "고용노동부", "해양수산부", "농림축산식품부",
              "행정안전부", "문화체육관광부", "금융위원회", "공정거래위원회"]
GOV_TITLES = ["장관", "차관", "국장", "과장", "대변인", "정책관"]
CORP_TITLES = ["대표", "사장", "부사장", "전무", "상무", "본부장", "팀장", "연구소장"]
EXPERT_TITLES = ["교수", "연구위원", "선임연구원", "수석연구원", "센터장"]
LOCAL_TITLES = ["시장", "군수", "구청장", "도지사", "부시장"]
TEAMS = ["한빛 스톰즈", "바다 돌핀스", "가람 이글스", "누리 유나이티드", "하늘 FC", "솔빛 타이탄스",
         "미르 드래곤즈", "은하 스타즈"]

PRODUCTS = ["전고체 배터리", "차세대 메모리 반도체", "자율주행 셔틀", "수소 연료전지 트럭", "AI 반도체",
            "바이오시밀러", "스마트 물류 로봇", "초소형 위성", "친환경 포장재", "디지털 치료제",
            "고성능 GPU 서버", "해상풍력 터빈", "전기 버스", "도심항공교통(UAM) 기체",
            "온디바이스 AI 칩", "대형 언어모델(LLM)", "클라우드 보안 솔루션", "탄소 포집 설비"]
FACILITIES = ["생산 공장", "연구개발(R&D) 센터", "데이터센터", "물류 거점", "배터리 재활용 공장",
              "스마트팩토리", "수소 충전소", "교육 캠퍼스", "복합문화센터", "공공 도서관",
              "청년 창업지원센터", "노인복지관"]
EVENTS = ["투자협약식", "기자간담회", "신제품 발표회", "정책 토론회", "업무협약식", "기공식",
          "개막식", "설명회", "주민 간담회", "국제 포럼", "착공식", "시연회"]
POLICIES = ["청년 월세 지원", "소상공인 긴급 경영자금", "전기차 구매 보조금", "공공임대주택 공급",
            "출산 장려금", "탄소중립 포인트", "노후 상수도 교체", "중소기업 스마트공장 지원",
            "농어촌 버스 요금 단일화", "야간 돌봄 서비스", "어르신 일자리 사업", "지역화폐 할인 판매"]
FESTIVALS = ["벚꽃축제", "불꽃축제", "김장문화제", "국화전시회", "해맞이 축제", "빛 축제", "음식문화축제",
             "책 축제", "연극제", "재즈 페스티벌"]
PLACES = ["컨벤션센터", "시청 대회의실", "본사 강당", "전시장", "문화회관", "체육관", "산업단지",
          "혁신도시", "역 광장", "시민공원"]
MARKETS = ["반도체", "이차전지", "바이오", "전기차", "조선", "해운", "게임", "콘텐츠", "유통", "건설",
           "인공지능(AI)", "클라우드", "방산", "화장품", "식품"]
METRICS = ["매출", "영업이익", "순이익", "수출액", "판매량", "점유율", "가입자 수", "방문객 수"]

EMAIL_DOMAINS = ["gmail.com", "naver.com", "daum.net", "hanmail.net", "kakao.com"]


# --- small helpers ------------------------------------------------------------------------


def pick(r, seq):
    return seq[r.randrange(len(seq))]


def person_name(r):
    """A three-syllable Korean name (surname + two given-name syllables, not the same twice)."""
    a = pick(r, GIVEN)
    b = pick(r, GIVEN)
    while b == a:
        b = pick(r, GIVEN)
    return pick(r, SURNAMES) + a + b


def romanize(name):
    return [ROMAN.get(ch, "x") for ch in name]


def email_for(r, name, domain):
    """An e-mail address for a reporter or an official: 'kimms@domain', 'ms.kim@domain', …"""
    parts = romanize(name)
    sur, g1, g2 = parts[0], parts[1], parts[2]
    style = r.randrange(4)
    if style == 0:
        local = sur + g1[0] + g2[0]
    elif style == 1:
        local = g1 + g2 + "." + sur
    elif style == 2:
        local = sur + g1 + g2
    else:
        local = g1[0] + g2[0] + sur + str(r.randrange(1, 99))
    return f"{local}@{domain}"


def phone_number(r):
    kind = r.randrange(6)
    if kind == 0:
        return f"010-{r.randrange(2000, 9999)}-{r.randrange(1000, 9999)}"
    if kind == 1:
        return f"02-{r.randrange(200, 999)}-{r.randrange(1000, 9999)}"
    if kind == 2:
        return f"0{pick(r, ['31', '32', '51', '53', '62', '42', '52', '33', '43', '63', '64'])}-{r.randrange(200, 999)}-{r.randrange(1000, 9999)}"
    if kind == 3:
        return f"{pick(r, ['1588', '1577', '1544', '1899', '1644'])}-{r.randrange(1000, 9999)}"
    if kind == 4:
        return f"+82 10-{r.randrange(2000, 9999)}-{r.randrange(1000, 9999)}"
    return f"02-{r.randrange(2000, 9999)}-{r.randrange(1000, 9999)}"


def rrn(r):
    yy, mm, dd = r.randrange(50, 99), r.randrange(1, 13), r.randrange(1, 29)
    return f"{yy:02d}{mm:02d}{dd:02d}-{r.randrange(1, 3)}{r.randrange(100000, 999999)}"


def money(r, big=False):
    """'3200억원', '1조2000억원', '45억원', '870만 달러'"""
    kind = r.randrange(3 if big else 5)
    if kind == 0:
        return f"{r.randrange(1, 9)}조{r.randrange(1, 10) * 1000}억원"
    if kind == 1:
        return f"{r.randrange(12, 99) * 100}억원"
    if kind == 2:
        return f"{r.randrange(5, 950)}억원"
    if kind == 3:
        return f"{r.randrange(2, 90) * 10}만 달러"
    return f"{r.randrange(1, 30) * 100}만원"


def pct(r):
    return f"{r.randrange(1, 60)}.{r.randrange(0, 10)}%"


def count(r):
    n = r.randrange(3)
    if n == 0:
        return f"{r.randrange(2, 99)}만{r.randrange(1, 10)}000명"
    if n == 1:
        return f"{r.randrange(120, 990)}명"
    return f"{r.randrange(1, 9)},{r.randrange(100, 999)}명"


WEEKDAYS = "월화수목금토일"


# --- words of the plain-text articles (harness/corpus/documents.py) ------------------------
# make bench's decode+normalize corpus and make bench-exec's documents are short plain-text
# news articles built from these words (their own, smaller vocabulary: the benches' corpora and
# figures were measured on it). Every character is NFC and CP949-encodable, and none is one
# whose CP949 mapping differs between code-page tables (U+00B7, U+2015, U+223C, U+FF5E, ...):
# the decode bench writes the articles in CP949 and expects them back unchanged.


class PLAIN:
    """The plain-text articles' words (PLAIN.NOUNS, PLAIN.ORGS, ...)."""

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

    SURNAMES = SURNAMES[:20]  # the eval set's first twenty surnames
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

    @classmethod
    def all_words(cls):
        return [w for name, value in vars(cls).items() if name.isupper() for w in value]


# --- sentences ----------------------------------------------------------------------------

QUOTES = [
    "시장 상황을 면밀히 지켜보며 단계적으로 대응하겠다",
    "이번 투자로 지역에 양질의 일자리가 늘어날 것으로 기대한다",
    "주민 불편을 최소화하는 방향으로 사업을 추진하겠다",
    "기술 경쟁력을 높이는 데 모든 역량을 집중하겠다",
    "현장의 목소리를 충분히 듣고 제도를 보완하겠다",
    "아직 구체적인 일정은 정해지지 않았다",
    "올해 하반기부터는 실적 개선이 본격화할 것으로 본다",
    "안전 문제만큼은 한 치의 양보도 없이 챙기겠다",
    "청년들이 지역에 머물 수 있는 여건을 만드는 것이 목표다",
    "글로벌 고객사와의 협력을 더욱 넓혀 나가겠다",
    "무리한 확장보다는 내실을 다지는 데 힘쓰겠다",
    "관계 기관과 협의해 재발 방지 대책을 마련하겠다",
    "예산이 제때 집행되도록 행정력을 모으겠다",
    "소비 심리가 살아나려면 시간이 더 걸릴 것이다",
    "규제 완화가 뒷받침돼야 투자가 이어질 수 있다",
    "관람객이 편하게 즐길 수 있도록 동선을 새로 짰다",
    "데이터를 기반으로 정책 효과를 꼼꼼히 점검하겠다",
    "수출 회복세가 내수로 이어질지가 관건이다",
    "당분간 변동성이 큰 장세가 이어질 가능성이 크다",
]
SPEECH_VERBS = ["말했다", "밝혔다", "설명했다", "강조했다", "전했다", "덧붙였다", "내다봤다"]

STATE_VERBS = ["밝혔다", "전했다", "발표했다", "알렸다"]


def _who_official(r, ctx):
    """(display string, name) for someone quoted: an official, an executive or an expert."""
    kind = r.randrange(4)
    name = person_name(r)
    if ctx["topic"] == "sports":
        return f"{ctx['team']} {name} {pick(r, ['감독', '코치', '단장'])}", name
    if ctx["topic"] == "local" and kind == 1:
        return f"{ctx['city']}시 {name} {pick(r, ['시장', '부시장', '관광과장', '안전총괄과장'])}", name
    if kind == 0:
        return f"{ctx['company']} {name} {pick(r, CORP_TITLES)}", name
    if kind == 1:
        return f"{ctx['ministry']} {name} {pick(r, GOV_TITLES)}", name
    if kind == 2:
        return f"{pick(r, INSTITUTES)} {name} {pick(r, EXPERT_TITLES)}", name
    return f"{pick(r, UNIVS)} {pick(r, ['경제학과', '산업공학과', '행정학과', '사회학과', '컴퓨터공학과'])} {name} 교수", name


SPORTS_QUOTES = [
    "선수들이 끝까지 집중력을 잃지 않은 덕분이다",
    "홈 팬들의 응원이 큰 힘이 됐다",
    "수비 조직력을 더 가다듬어야 한다",
    "다음 경기도 오늘처럼 준비하겠다",
    "부상 선수가 돌아오면 더 좋은 경기를 보여줄 수 있다",
]


def quote_sentence(r, ctx):
    who, _ = _who_official(r, ctx)
    pool = SPORTS_QUOTES if ctx["topic"] == "sports" else QUOTES
    q1 = pick(r, pool)
    form = r.randrange(4)
    if form == 0:
        return f"{j(who, '은는')} “{q1}”라고 {pick(r, SPEECH_VERBS)}."
    if form == 1:
        q2 = pick(r, pool)
        while q2 == q1:
            q2 = pick(r, pool)
        return f"{j(who, '은는')} “{q1}”며 “{q2}”고 말했다."
    if form == 2:
        return f"“{q1}.” {who}의 말이다."
    return f"{j(who, '은는')} 이날 {pick(r, EVENTS)}에서 “{q1}”고 {pick(r, SPEECH_VERBS)}."


def _sent_economy(r, ctx):
    c, p = ctx["company"], ctx["product"]
    forms = [
        lambda: f"{j(c, '은는')} {ctx['day']}일 {ctx['city']} {pick(r, PLACES)}에서 {j(pick(r, EVENTS), '을를')} 열고 {p} 사업 계획을 공개했다.",
        lambda: f"회사 측에 따르면 지난해 {j(pick(r, METRICS), '은는')} 전년보다 {pct(r)} {pick(r, ['늘었다', '증가했다', '줄었다', '감소했다'])}.",
        lambda: f"{j(c, '은는')} {ctx['year'] + r.randrange(1, 4)}년까지 총 {j(money(r, True), '을를')} 들여 {ctx['city']}에 {j(ctx['facility'], '을를')} 짓기로 했다.",
        lambda: f"업계에서는 이번 결정이 국내 {ctx['market']} 시장의 판도를 바꿀 수 있을 것으로 보고 있다.",
        lambda: f"{j(p, '은는')} 기존 제품보다 효율이 {pct(r)} 높고 생산 비용은 {r.randrange(10, 40)}% 낮은 것이 특징이다.",
        lambda: f"증권가에서는 {j(c, '이가')} 올해 {money(r)} 안팎의 영업이익을 낼 것으로 전망한다.",
        lambda: f"{j(c, '은는')} 이번 사업으로 협력사를 포함해 약 {count(r)}의 고용 효과가 생길 것으로 내다봤다.",
        lambda: f"경쟁사들도 {p} 개발에 속도를 내고 있어 주도권 다툼은 더욱 치열해질 전망이다.",
        lambda: f"다만 원자재 가격과 환율 변동이 여전히 변수로 꼽힌다.",
        lambda: f"{j(c, '은는')} 해외 고객사 {r.randrange(2, 15)}곳과 공급 계약을 맺었고 추가 협상도 진행 중이라고 {pick(r, STATE_VERBS)}.",
        lambda: f"이 회사의 {ctx['year'] - 1}년 연결 기준 매출은 {j(money(r), '으로')} 집계됐다.",
        lambda: f"시장조사업체 자료를 보면 세계 {ctx['market']} 시장은 {ctx['year'] + 5}년 {money(r, True)} 규모로 커질 것으로 예상된다.",
        lambda: f"{j(c, '은는')} 연구개발(R&D)에 매출의 {r.randrange(5, 25)}%를 꾸준히 투자해 왔다.",
        lambda: f"{ctx['company2']} 역시 비슷한 시기에 {j(p, '을를')} 내놓을 계획이어서 시장의 관심이 쏠린다.",
    ]
    return forms


def _sent_policy(r, ctx):
    m, pol = ctx["ministry"], ctx["policy"]
    forms = [
        lambda: f"{j(m, '은는')} {ctx['day']}일 이런 내용을 담은 ‘{pol} 개선 방안’을 발표했다.",
        lambda: f"지원 대상은 만 {r.randrange(19, 40)}세 이하 무주택 청년 가운데 소득 기준을 충족하는 사람이다.",
        lambda: f"정부는 올해 관련 예산으로 {j(money(r, True), '을를')} 편성했으며 내년에는 규모를 더 늘릴 방침이다.",
        lambda: f"신청은 다음 달 {r.randrange(1, 28)}일부터 온라인과 주민센터에서 받는다.",
        lambda: f"{j(m, '은는')} 제도 시행 뒤 {r.randrange(3, 12)}개월 동안 효과를 분석해 보완책을 내놓기로 했다.",
        lambda: f"일각에서는 실효성이 떨어진다는 지적도 나온다.",
        lambda: f"지난해 같은 사업에는 {count(r)}이 신청해 경쟁률이 {r.randrange(2, 9)}대 1에 이르렀다.",
        lambda: f"{j(ctx['city'] + '시', '은는')} 정부 사업과 별도로 자체 예산 {j(money(r), '을를')} 추가로 투입하기로 했다.",
        lambda: f"시민단체들은 지원 기준이 지나치게 까다롭다며 문턱을 낮춰야 한다고 요구했다.",
        lambda: f"관련 법 개정안은 이달 국회 상임위원회에 상정될 예정이다.",
        lambda: f"이번 조치로 약 {count(r)}이 혜택을 볼 것으로 추산된다.",
        lambda: f"{j(m, '은는')} 부정 수급을 막기 위해 사후 점검도 강화하겠다고 {pick(r, STATE_VERBS)}.",
        lambda: f"정책 효과가 지역별로 고르게 나타나려면 지방자치단체와의 협력이 중요하다는 분석이다.",
        lambda: f"소득 기준은 기준 중위소득의 {r.randrange(100, 180)}% 이하로 완화됐다.",
        lambda: f"지원 기간도 기존 {r.randrange(6, 12)}개월에서 최장 {r.randrange(18, 36)}개월로 늘어난다.",
        lambda: f"{j(ctx['ministry'], '은는')} 하반기 중 2차 공모를 진행할 계획이다.",
    ]
    return forms


def _sent_local(r, ctx):
    city = ctx["city"]
    fest = ctx["festival"]
    forms = [
        lambda: f"{j(city + '시', '은는')} 오는 {r.randrange(1, 13)}월 {r.randrange(1, 29)}일부터 {r.randrange(3, 10)}일간 {city} {pick(r, PLACES)} 일대에서 {j(fest, '을를')} 연다고 {ctx['day']}일 {pick(r, STATE_VERBS)}.",
        lambda: f"올해로 {r.randrange(3, 40)}회째를 맞는 이 행사에는 지난해 {count(r)}의 관람객이 다녀갔다.",
        lambda: f"시는 행사 기간 임시 셔틀버스를 운행하고 주변 도로의 교통을 통제할 계획이다.",
        lambda: f"{ctx['district']} 주민들은 소음과 주차 문제로 불편을 겪어 왔다며 대책 마련을 요구했다.",
        lambda: f"{j(city + '소방본부', '은는')} 행사장 주변에 구급차와 소방 인력 {r.randrange(20, 200)}명을 배치한다.",
        lambda: f"시 관계자는 지역 상권에도 적지 않은 보탬이 될 것으로 기대하고 있다.",
        lambda: f"새로 문을 여는 {j(ctx['facility'], '은는')} 지하 {r.randrange(1, 4)}층, 지상 {r.randrange(3, 12)}층 규모로 지어졌다.",
        lambda: f"총사업비 {j(money(r, True), '이가')} 들어간 이 시설은 {ctx['year'] + 1}년 상반기 완공을 목표로 공사가 진행 중이다.",
        lambda: f"{city} 지역의 지난달 평균 기온은 평년보다 {r.randrange(1, 4)}.{r.randrange(0, 10)}도 높았다.",
        lambda: f"경찰은 당시 현장에 있던 목격자들을 상대로 정확한 사고 경위를 조사하고 있다.",
        lambda: f"이번 사업은 주민 설명회와 공청회를 거쳐 확정됐다.",
        lambda: f"{j(city + '시의회', '은는')} 다음 달 임시회에서 관련 조례안을 심사할 예정이다.",
        lambda: f"인근 {ctx['district']}에서도 비슷한 사업을 검토하고 있는 것으로 알려졌다.",
        lambda: f"행사장 입장료는 무료이며 일부 체험 프로그램만 사전 예약을 받는다.",
        lambda: f"시는 쓰레기 무단 투기를 막기 위해 단속반 {r.randrange(10, 80)}명을 투입한다.",
        lambda: f"{ctx['city']}역에서 행사장까지는 걸어서 {r.randrange(10, 30)}분가량 걸린다.",
    ]
    return forms


def _sent_tech(r, ctx):
    c, p = ctx["company"], ctx["product"]
    forms = [
        lambda: f"{j(c, '은는')} 자체 개발한 {j(p, '을를')} 기반으로 한 서비스를 {ctx['month']}월 중 정식 출시한다고 {pick(r, STATE_VERBS)}.",
        lambda: f"이 기술은 기존 방식보다 전력 소모를 {r.randrange(20, 70)}% 줄이면서도 처리 속도는 {r.randrange(2, 6)}배 빠르다.",
        lambda: f"최근 생성형 AI 수요가 급증하면서 GPU와 고대역폭메모리(HBM) 확보 경쟁이 심해지고 있다.",
        lambda: f"{j(c, '은는')} 국내외 특허 {r.randrange(12, 300)}건을 확보했다고 설명했다.",
        lambda: f"개인정보 유출 우려에 대해 회사는 모든 데이터를 암호화해 저장한다고 해명했다.",
        lambda: f"{j(pick(r, UNIVS), '과와')} 공동 연구한 결과는 국제 학술지에 실렸다.",
        lambda: f"클라우드 기업들은 데이터센터 전력 확보를 위해 소형모듈원자로(SMR)까지 검토하고 있다.",
        lambda: f"업계는 {ctx['year'] + 2}년께 관련 시장이 본격적으로 열릴 것으로 본다.",
        lambda: f"{j(c, '은는')} 올해 소프트웨어(SW) 인력 {r.randrange(50, 900)}명을 새로 뽑을 계획이다.",
        lambda: f"보안 전문가들은 API 인증 체계를 서둘러 점검해야 한다고 조언했다.",
        lambda: f"이용자는 앱에서 간단한 인증만 거치면 서비스를 바로 쓸 수 있다.",
        lambda: f"{j(c, '은는')} 이번 서비스를 {ctx['city']}의 공공기관 {r.randrange(3, 30)}곳에 먼저 시범 적용한다.",
        lambda: f"월 구독료는 {r.randrange(5, 30)},{r.randrange(1, 10)}00원으로 책정됐다.",
        lambda: f"정부도 관련 가이드라인을 연내 마련하겠다는 입장이다.",
        lambda: f"{j(p, '은는')} 지난해 세계 최대 전자 전시회에서 혁신상을 받기도 했다.",
        lambda: f"{ctx['company2']}도 하반기 비슷한 기능을 선보일 예정이어서 경쟁이 본격화할 전망이다.",
    ]
    return forms


def _sent_sports(r, ctx):
    t1, t2 = ctx["team"], ctx["team2"]
    forms = [
        lambda: f"{j(t1, '은는')} {ctx['day']}일 {ctx['city']} {pick(r, ['종합운동장', '실내체육관', '야구장', '축구전용구장'])}에서 열린 경기에서 {j(t2, '을를')} {r.randrange(2, 6)}대 {r.randrange(0, 2)}로 꺾었다.",
        lambda: f"이 승리로 {j(t1, '은는')} {r.randrange(3, 9)}연승을 달리며 리그 선두 자리를 지켰다.",
        lambda: f"주장 {j(person_name(r), '은는')} 전반 {r.randrange(5, 45)}분 선제골을 넣으며 공격을 이끌었다.",
        lambda: f"경기장에는 {count(r)}의 관중이 찾아 뜨거운 응원을 보냈다.",
        lambda: f"{j(t2, '은는')} 후반 들어 반격에 나섰지만 끝내 동점을 만들지 못했다.",
        lambda: f"감독은 부상 선수들의 복귀 시점을 신중하게 판단하겠다고 밝혔다.",
        lambda: f"두 팀은 다음 달 {r.randrange(1, 29)}일 원정 경기에서 다시 맞붙는다.",
        lambda: f"올 시즌 관중 수는 지난해보다 {pct(r)} 늘어 흥행에도 청신호가 켜졌다.",
        lambda: f"{t1}의 외국인 선수 {j(person_name(r), '은는')} 이날 {r.randrange(12, 35)}득점으로 팀 내 최다 득점을 기록했다.",
        lambda: f"{j(t1, '은는')} 홈 경기 {r.randrange(3, 12)}연승 행진도 이어갔다.",
        lambda: f"이날 경기는 갑작스러운 비로 {r.randrange(10, 50)}분간 중단됐다가 재개됐다.",
        lambda: f"{j(t2, '은는')} 주전 공격수의 부상 공백을 끝내 메우지 못했다.",
        lambda: f"구단은 다음 홈 경기에서 어린이 팬을 위한 사인회를 연다고 밝혔다.",
        lambda: f"중계방송 시청률은 {pct(r)}로 올 시즌 최고치를 기록했다.",
    ]
    return forms


def _sent_health(r, ctx):
    forms = [
        lambda: f"질병관리청에 따르면 지난주 독감 의심 환자는 외래 환자 1000명당 {r.randrange(5, 80)}.{r.randrange(0, 10)}명으로 집계됐다.",
        lambda: f"방역 당국은 고위험군에 예방접종을 서둘러 달라고 당부했다.",
        lambda: f"{pick(r, UNIVS)} 병원 연구팀은 {count(r)}의 건강검진 자료를 분석해 이런 결과를 얻었다.",
        lambda: f"전문가들은 규칙적인 운동과 충분한 수면이 가장 좋은 예방법이라고 입을 모았다.",
        lambda: f"{j(ctx['company'], '은는')} 임상 {r.randrange(1, 4)}상 시험에서 목표한 효과를 확인했다고 발표했다.",
        lambda: f"환자 단체는 신약이 하루빨리 건강보험 적용을 받아야 한다고 주장했다.",
        lambda: f"보건소는 주말에도 선별 진료소를 운영하기로 했다.",
        lambda: f"증상이 나타나면 외출을 자제하고 가까운 의료기관을 찾는 것이 좋다.",
        lambda: f"질병관리청은 {ctx['month']}월 말까지 무료 접종 기간을 연장하기로 했다.",
        lambda: f"이번 연구는 {ctx['year'] - r.randrange(5, 9)}년부터 {ctx['year'] - r.randrange(1, 3)}년까지 진행됐다.",
        lambda: f"연구팀은 하루 {r.randrange(20, 60)}분 이상 걷는 사람의 발병 위험이 {r.randrange(10, 40)}% 낮았다고 설명했다.",
        lambda: f"{j(ctx['company'], '은는')} 내년 상반기 식품의약품안전처에 품목 허가를 신청할 계획이다.",
        lambda: f"일부 약국에서는 해열제 품귀 현상까지 나타났다.",
        lambda: f"전문가들은 손 씻기와 환기 같은 기본 수칙을 지켜 달라고 강조했다.",
    ]
    return forms


def _sent_generic(r, ctx):
    """Background sentences any story can use."""
    forms = [
        lambda: f"전문가들은 단기 성과에 매달리기보다 긴 호흡으로 접근해야 한다고 조언한다.",
        lambda: f"앞서 {j(ctx['ministry'], '은는')} 지난해 {r.randrange(1, 13)}월 비슷한 내용의 대책을 내놓은 바 있다.",
        lambda: f"이런 분위기는 {ctx['city']} 지역에서도 확인된다.",
        lambda: f"관련 업계는 이번 발표의 세부 내용을 분석하며 대응책 마련에 나섰다.",
        lambda: f"현장에서는 기대와 우려가 엇갈린다.",
        lambda: f"이 같은 변화는 {ctx['year'] + 1}년 이후 본격화할 것으로 전망된다.",
        lambda: f"그동안 제기된 문제점을 보완하는 데 초점을 맞췄다는 평가다.",
        lambda: f"다만 구체적인 재원 마련 방안은 아직 나오지 않았다.",
        lambda: f"이에 대해 {j(ctx['company2'], '은는')} 공식 입장을 내지 않았다.",
        lambda: f"{pick(r, FOREIGN)} 등 해외에서는 이미 {r.randrange(3, 15)}년 전부터 비슷한 제도가 시행되고 있다.",
        lambda: f"국회 입법조사처도 최근 보고서에서 비슷한 문제를 지적했다.",
        lambda: f"관계자들은 다음 달 중 후속 회의를 열어 세부 일정을 확정할 계획이다.",
        lambda: f"현재까지 접수된 관련 민원은 {r.randrange(12, 900)}건에 이른다.",
        lambda: f"지역 사회에서는 이번 결정을 두고 의견이 분분하다.",
        lambda: f"이번 조사는 {ctx['month']}월 한 달 동안 전국 성인 {r.randrange(5, 30) * 100}명을 대상으로 진행됐다.",
        lambda: f"응답자의 {pct(r)}는 현재 상황에 만족하지 않는다고 답했다.",
        lambda: f"다른 지방자치단체들도 비슷한 사업을 준비하고 있는 것으로 전해졌다.",
        lambda: f"{ctx['year']}년 {ctx['month']}월 현재 관련 사업에 참여한 기관은 {r.randrange(4, 60)}곳이다.",
        lambda: f"한 업계 관계자는 익명을 전제로 세부 조건을 두고 막판 조율이 이어지고 있다고 귀띔했다.",
        lambda: f"이와 관련해 {ctx['city']}의 한 시민은 생활에 직접 도움이 되는 변화였으면 좋겠다고 말했다.",
        lambda: f"결과는 이르면 다음 달 말 공개될 예정이다.",
        lambda: f"{j(ctx['ministry'], '은는')} 관계 부처 합동으로 점검반을 꾸려 이행 상황을 살필 방침이다.",
    ]
    return forms


TOPICS = {
    "economy": _sent_economy,
    "policy": _sent_policy,
    "local": _sent_local,
    "tech": _sent_tech,
    "sports": _sent_sports,
    "health": _sent_health,
}

def subheads(r, ctx):
    """Sub-headings for one story: short noun phrases naming the story's own entities."""
    c, city, y = ctx["company"], ctx["city"], ctx["year"]
    forms = {
        "economy": [f"{c}의 {ctx['product']} 승부수", f"{ctx['market']} 시장 판도 바꿀 {c}", f"{c} {y + 2}년 목표는",
                    f"{ctx['product']} 경쟁력은 {ctx['city']}에서", f"{city} {ctx['facility']} 일정", f"{c} 수익성 개선 과제",
                    f"{ctx['company2']}와 {ctx['market']} 경쟁", f"{c} 남은 변수는 환율"],
        "policy": [f"달라지는 {ctx['policy']} 기준", f"{ctx['policy']} 신청 방법", f"{city} 현장에선 {ctx['policy']} 우려도",
                   f"{ctx['ministry']} {ctx['policy']} 향후 계획", f"예산 {money(r, True)} 어디에 쓰나", f"{city} {ctx['policy']} 일정"],
        "local": [f"{city} {ctx['festival']} 교통 통제 구간", f"{ctx['district']} 주민 반응 엇갈려", f"{city} {ctx['festival']} 상권 기대감",
                  f"{city} {ctx['facility']} 안전 대책은", f"{city} {ctx['facility']} 규모와 일정", f"{city}시 {ctx['district']} 계획"],
        "tech": [f"{ctx['product']} 핵심 기술은", f"{c} 보안 우려 여전", f"{ctx['company2']}의 {ctx['product']} 움직임",
                 f"{c} GPU 확보 전쟁", f"{c} {ctx['product']} 상용화 시점", f"{ctx['market']} {y + 2}년 시장 전망"],
        "sports": [f"{ctx['team']} 승부 가른 후반전", f"{ctx['team']} 감독의 한마디", f"{ctx['team']} 막아선 {ctx['team2']}",
                   f"{ctx['team2']} {city} 원정 일정", f"{city} {ctx['team']} 관중 열기"],
        "health": [f"{c} 임상 결과는", f"{city} 독감 증상과 예방법", f"{city} 고위험군 주의", f"{c} 치료제 현황",
                   f"{city} {y}년 유행 양상"],
    }[ctx["topic"]]
    r.shuffle(forms)
    return forms


def headline(r, ctx):
    t = ctx["topic"]
    c = ctx["company"]
    q = pick(r, ["“" + pick(r, QUOTES)[:14].rstrip() + "…”", "'" + pick(r, ["속도전", "승부수", "청신호", "빨간불", "기대감"]) + "'"])
    if t == "economy":
        forms = [f"{c}, {ctx['city']}에 {ctx['facility']} 짓는다…{money(r)} 투자",
                 f"{c} {ctx['product']} 승부수…{q}",
                 f"{ctx['market']} 업계 {q} {c} 실적 반등할까",
                 f"{c}, {ctx['product']} 양산 돌입…{ctx['market']} 판도 흔드나"]
    elif t == "policy":
        forms = [f"{ctx['policy']} 대상 넓힌다…{ctx['ministry']} 개선안 발표",
                 f"'{ctx['policy']}' 문턱 낮춘다…{count(r)} 혜택",
                 f"{ctx['ministry']}, {ctx['policy']} 손질…현장 {q}"]
    elif t == "local":
        forms = [f"{ctx['city']} {ctx['festival']} {r.randrange(2, 10)}일 개막…교통 통제 주의",
                 f"{ctx['city']}시, {ctx['district']}에 {ctx['facility']} 건립…{money(r)} 투입",
                 f"\"{ctx['festival']} 보러 오세요\" {ctx['city']} 손님맞이 분주"]
    elif t == "tech":
        forms = [f"{c}, {ctx['product']} 공개…{q}",
                 f"AI 경쟁 가열…{c} {ctx['product']} 출시 앞당긴다",
                 f"{c} \"{ctx['product']}로 판 바꾼다\"…글로벌 공략 시동"]
    elif t == "sports":
        forms = [f"{ctx['team']}, {ctx['team2']} 꺾고 {r.randrange(3, 9)}연승…선두 질주",
                 f"'{person_name(r)} 결승골' {ctx['team']}, 안방서 웃었다"]
    else:
        forms = [f"독감 환자 {r.randrange(2, 5)}주째 증가…\"고위험군 접종 서둘러야\"",
                 f"{c}, 신약 임상 {r.randrange(1, 4)}상 성공…{q}"]
    return pick(r, forms)


def deck_line(r, ctx):
    t = ctx["topic"]
    forms = {
        "economy": [f"{ctx['year'] + 2}년까지 단계적 증설", f"협력사 포함 고용 효과 기대", f"{ctx['market']} 경쟁 격화 속 선제 투자",
                    f"증권가 \"하반기 실적 개선\" 전망"],
        "policy": ["소득 기준 완화·지원 기간 연장", f"다음 달부터 온라인 신청", "부정 수급 사후 점검 강화"],
        "local": ["셔틀버스 운행·주변 도로 통제", "주민 불편 최소화 대책 마련", f"지역 상권 {r.randrange(2, 9)}0억 효과 기대"],
        "tech": ["전력 소모 줄이고 처리 속도 높여", "하반기 글로벌 출시 목표", "보안 논란엔 \"암호화로 대응\""],
        "sports": ["주장 선제골로 기선 제압", "관중 몰리며 흥행 청신호", "후반 반격 막아내며 리드 지켜", f"다음 달 {r.randrange(1, 29)}일 원정 재대결"],
        "health": ["외래 환자 1000명당 수치 상승", "\"증상 있으면 외출 자제\"", "고위험군 무료 접종 연장", "일부 약국 해열제 품귀"],
    }[t]
    return pick(r, forms)


def caption(r, ctx, outlet):
    """A photo caption in one of the shapes CLEAN-TEXT.md names: '▲ …', '… 제공', '/사진=…'."""
    name = person_name(r)
    kind = r.randrange(4)
    if kind == 0:
        return f"▲ {ctx['company']} {name} {j(pick(r, CORP_TITLES), '이가')} {ctx['day']}일 {ctx['city']}에서 열린 {pick(r, EVENTS)}에서 발언하고 있다."
    if kind == 1:
        return f"{ctx['city']} {pick(r, PLACES)}에서 열린 {pick(r, EVENTS)} 모습. {ctx['company']} 제공"
    if kind == 2:
        return f"{ctx['city']} {ctx['district']} 일대 전경. /사진={outlet}"
    return f"▲ {ctx['city']} {pick(r, PLACES)} 앞에 시민들이 모여 있다. (사진=독자 제공)"


PII_FORMS = [
    ("email", lambda v: f"자세한 내용은 담당 부서 이메일({v})로 문의하면 된다."),
    ("email", lambda v: f"제보와 문의는 {v}로 받는다."),
    ("email", lambda v: f"참가 신청서는 이메일 {v}로 내면 된다."),
    ("phone", lambda v: f"문의는 콜센터({v})로 하면 된다."),
    ("phone", lambda v: f"피해 신고는 전용 상담 전화 {v}에서 24시간 받는다."),
    ("phone", lambda v: f"현장 접수가 어려운 주민은 {v}로 전화하면 방문 상담을 받을 수 있다."),
    ("rrn", lambda v: f"경찰에 따르면 이들은 타인의 주민등록번호 {v}를 도용해 계좌를 개설한 것으로 드러났다."),
]


def pii_paragraph(r, ctx):
    """(raw paragraph, redacted paragraph): one sentence of story prose plus a contact sentence."""
    weights = [0.45, 0.45, 0.10]
    x = r.random()
    kind = "email" if x < weights[0] else ("phone" if x < weights[0] + weights[1] else "rrn")
    forms = [f for k, f in PII_FORMS if k == kind]
    form = pick(r, forms)
    if kind == "email":
        value = email_for(r, person_name(r), pick(r, [ctx["org_domain"]] + EMAIL_DOMAINS))
        token = "<EMAIL>"
    elif kind == "phone":
        value, token = phone_number(r), "<PHONE>"
    else:
        value, token = rrn(r), "<RRN>"
    lead = topic_sentence(r, ctx)
    return f"{lead} {form(value)}", f"{lead} {form(token)}"


def new_context(r, story_id, when):
    """The entities one story talks about."""
    topic = pick(r, ["economy", "economy", "policy", "policy", "local", "local", "tech", "tech", "sports", "health"])
    company = pick(r, COMPANIES)
    company2 = pick(r, COMPANIES)
    while company2 == company:
        company2 = pick(r, COMPANIES)
    team = pick(r, TEAMS)
    team2 = pick(r, TEAMS)
    while team2 == team:
        team2 = pick(r, TEAMS)
    return {
        "id": story_id, "topic": topic, "company": company, "company2": company2,
        "product": pick(r, PRODUCTS), "facility": pick(r, FACILITIES), "market": pick(r, MARKETS),
        "ministry": pick(r, MINISTRIES), "policy": pick(r, POLICIES), "festival": pick(r, FESTIVALS),
        "city": pick(r, CITIES), "district": pick(r, DISTRICTS), "team": team, "team2": team2,
        "year": when.year, "month": when.month, "day": when.day,
        "org_domain": pick(r, ["daeyang.co.kr", "mirbio.com", "gov-help.kr", "city-hall.kr", "foundation.or.kr"]),
    }


LEDES = {"economy": [0, 2], "policy": [0], "local": [0, 6], "tech": [0], "sports": [0], "health": [0, 4]}


def topic_sentence(r, ctx, lede=False):
    """A sentence of the story whose template the story has not used yet (templates repeat only
    once all have been used): a lede template of the topic, or (30%) a background sentence."""
    topic_forms = TOPICS[ctx["topic"]](r, ctx)
    if lede:
        i = pick(r, LEDES[ctx["topic"]])
        ctx.setdefault("used", set()).add(("t", i))
        return topic_forms[i]()
    generic = r.random() < 0.3
    forms = _sent_generic(r, ctx) if generic else topic_forms
    tag = "g" if generic else "t"
    used = ctx.setdefault("used", set())
    free = [i for i in range(len(forms)) if (tag, i) not in used]
    if not free:
        for i in range(len(forms)):
            used.discard((tag, i))
        free = list(range(len(forms)))
    i = pick(r, free)
    used.add((tag, i))
    return forms[i]()


def paragraph(r, ctx, sentences=None, lede=False):
    n = sentences or pick(r, [1, 2, 2, 2, 3, 3, 4])
    out = []
    for i in range(n):
        if lede and i == 0:
            out.append(topic_sentence(r, ctx, lede=True))
        else:
            out.append(quote_sentence(r, ctx) if r.random() < 0.15 else topic_sentence(r, ctx))
    return " ".join(out)


def story_body(r, ctx, n_paragraphs, seen=None):
    """Body items [{"kind": "p"|"sub"|"quote"|"li", "raw", "clean"}]: the first and last are
    prose paragraphs; sub-headings only between paragraphs. `seen` holds the paragraphs of the
    stories made so far: a paragraph is not reused verbatim by an unrelated story (real stories
    share paragraphs only when syndicated)."""
    items = []
    seen = set() if seen is None else seen
    own = set()
    subs = subheads(r, ctx)
    sub_every = r.choice([0, 0, 3, 4, 5])
    pii_at = r.randrange(1, n_paragraphs) if (r.random() < 0.22 and n_paragraphs > 2) else -1
    for i in range(n_paragraphs):
        if sub_every and i and i % sub_every == 0 and i < n_paragraphs - 1 and subs:
            s = subs.pop()
            items.append({"kind": "sub", "raw": s, "clean": s})
        if i == pii_at:
            raw, clean = pii_paragraph(r, ctx)
        else:
            sentences = 3 if i == 0 else None
            raw = paragraph(r, ctx, sentences, lede=(i == 0))
            for _attempt in range(8):
                if raw not in seen and raw not in own:
                    break
                raw = paragraph(r, ctx, sentences, lede=(i == 0))
            else:
                raw += " " + topic_sentence(r, ctx)
            clean = raw
        if raw in own:
            continue
        own.add(raw)
        items.append({"kind": "p", "raw": raw, "clean": clean})
    seen.update(own)
    return items


# --- chrome vocabulary --------------------------------------------------------------------

WEATHER = ["맑음", "구름조금", "구름많음", "흐림", "비", "눈"]
WEATHER_PLACES = ["서울", "인천", "수원", "춘천", "강릉", "청주", "대전", "전주", "광주", "대구",
                  "부산", "울산", "창원", "제주", "백령", "울릉도"]
SECTIONS = ["정치", "경제", "사회", "국제", "문화", "스포츠", "IT·과학", "오피니언", "지역", "연예", "라이프"]
COMMENTS = ["좋은 기사 잘 읽었습니다.", "현장 상황을 자세히 알려주셔서 감사합니다.",
            "이런 정책은 진작에 나왔어야 했다고 봅니다.", "예산 낭비가 되지 않도록 끝까지 지켜봐야겠네요.",
            "우리 동네 얘기라 반갑네요.", "후속 보도 부탁드립니다.",
            "주차 문제부터 해결했으면 좋겠습니다.", "기대가 됩니다. 잘 되길 바랍니다."]
COMMENT_RULES = ["- 댓글은 300자까지 쓸 수 있습니다.",
                 "- 다른 사람의 명예를 훼손하거나 권리를 침해하는 댓글은 관련 법에 따라 제재될 수 있습니다.",
                 "- 욕설이나 비방이 담긴 댓글은 운영 원칙에 따라 예고 없이 삭제됩니다."]
SHARE = ["페이스북", "X(트위터)", "카카오톡", "카카오스토리", "네이버 밴드", "링크 복사", "이메일", "인쇄"]

# --- spam ---------------------------------------------------------------------------------

CASINO_BRANDS = ["골드카지노", "럭키카지노", "썬라이즈카지노", "헤븐카지노", "로얄카지노", "블루벳",
                 "킹덤벳", "스타토토", "에이스카지노", "드림카지노", "오로라카지노", "제우스벳",
                 "황금성카지노", "다이아몬드카지노", "파라다이스벳"]
CASINO_TERMS = ["카지노사이트", "바카라사이트", "온라인카지노", "안전놀이터", "토토사이트", "메이저사이트",
                "먹튀검증", "슬롯사이트", "라이브카지노", "에볼루션카지노", "스포츠토토", "파워볼",
                "바카라 필승법", "먹튀사이트", "꽁머니", "첫충 이벤트", "홀덤사이트"]
LOAN_TERMS = ["무직자 대출", "당일 대출", "신용불량자 대출", "저신용자 대출", "소액 대출", "비상금 대출",
              "무서류 대출", "개인돈 대출", "일수 대출", "주부 대출"]
ADULT_TERMS = ["출장안마", "출장마사지", "성인용품", "19금 채팅", "조건만남", "애인대행", "후불 출장",
               "성인 화상채팅"]


def spam_url(r):
    host = pick(r, ["lucky", "gold", "ace", "king", "star", "dream", "vip", "best", "safe", "mega"]) + \
        pick(r, ["casino", "bet", "toto", "slot", "play", "win"]) + str(r.randrange(10, 999))
    tld = pick(r, [".com", ".net", ".xyz", ".top", ".shop", ".site", ".io"])
    path = pick(r, ["", "/?code=" + str(r.randrange(1000, 9999)), "/event", "/join?ref=" + str(r.randrange(100, 999))])
    return f"https://{host}{tld}{path}"


def spam_line(r):
    """One injected spam line, as found at the top or bottom of a hacked news page."""
    kind = r.randrange(4)
    if kind == 0:
        return pick(r, CASINO_BRANDS)
    if kind == 1:
        return " ".join(r.sample(CASINO_TERMS, r.randrange(2, 5)))
    if kind == 2:
        return " ".join(r.sample(CASINO_BRANDS, r.randrange(3, 6)))
    return f"{pick(r, CASINO_BRANDS)} {pick(r, CASINO_TERMS)} {spam_url(r)}"


def spam_paragraphs(r, kind):
    """Paragraphs of a spam page of one kind: casino, loan, adult, linkfarm, brands."""
    paras = []
    n = r.randrange(4, 9)
    for _ in range(n):
        if kind == "casino":
            terms = r.sample(CASINO_TERMS, 6)
            b = pick(r, CASINO_BRANDS)
            paras.append(pick(r, [
                f"{terms[0]} 추천 순위 TOP10 {terms[1]} {terms[2]} 먹튀 없는 {b}만 소개합니다. {terms[3]} 가입코드 {r.randrange(1000, 9999)} 입력 시 첫충 {r.randrange(10, 50)}% 지급!",
                f"★ 신규가입 첫충 {r.randrange(10, 40)}% ★ 매충 {r.randrange(5, 15)}% ★ 페이백 {r.randrange(3, 10)}% ★ {b} 24시간 고객센터 텔레그램 @{pick(r, ['vip', 'ace', 'gold'])}{r.randrange(100, 9999)} ★",
                f"{terms[0]} {terms[1]} 먹튀검증 완료! 보증금 {r.randrange(1, 10)}억 예치 {terms[4]} {terms[5]} 실시간 배팅 해외축구 NBA MLB 분석 무료 제공",
                f"{b} 바로가기 {spam_url(r)} {terms[2]} {terms[3]} 슬롯 잭팟 이벤트 진행 중",
            ]))
        elif kind == "loan":
            t = r.sample(LOAN_TERMS, 4)
            paras.append(pick(r, [
                f"{t[0]} {t[1]} 가능! 신용 조회 없이 {r.randrange(10, 60)}분 안에 입금 {t[2]} 상담 {phone_number(r)}",
                f"{t[0]} 한도 최대 {r.randrange(3, 50)}00만원 {t[1]} {t[3]} 당일 승인 카톡 상담 24시간",
                f"급전 필요하신 분 {t[2]} {t[0]} 부결자 환영 비대면 {t[3]} 문의 {spam_url(r)}",
            ]))
        elif kind == "adult":
            t = r.sample(ADULT_TERMS, 4)
            paras.append(pick(r, [
                f"{t[0]} {t[1]} 24시 전지역 {t[2]} 후불제 100% 실사 보장 예약 {phone_number(r)}",
                f"{t[0]} {t[3]} 무료 가입 즉시 매칭 {t[1]} 바로가기 {spam_url(r)}",
                f"{t[2]} {t[0]} 최저가 비밀 배송 {t[1]} 이벤트 진행 중",
            ]))
        elif kind == "linkfarm":
            terms = r.sample(CASINO_TERMS + LOAN_TERMS, 3)
            paras.append(f"{terms[0]} {spam_url(r)} {terms[1]} {spam_url(r)} {terms[2]} {spam_url(r)}")
        else:  # brands
            paras.append(" ".join(r.sample(CASINO_BRANDS, r.randrange(5, 10))) + " " + " ".join(r.sample(CASINO_TERMS, 3)))
    return paras


def spam_title(r, kind):
    if kind in ("casino", "brands", "linkfarm"):
        return f"{pick(r, CASINO_TERMS)} 추천 {pick(r, CASINO_TERMS)} {pick(r, CASINO_BRANDS)} 먹튀검증 완료"
    if kind == "loan":
        return f"{pick(r, LOAN_TERMS)} {pick(r, LOAN_TERMS)} 당일 가능 상담"
    return f"{pick(r, ADULT_TERMS)} {pick(r, ADULT_TERMS)} 24시 예약"
