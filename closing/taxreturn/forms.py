"""The fields of INK2, INK2R and INK2S and the BAS → SRU table, as data per tax year.

A field is a box on Skatteverket's form: an id as printed ("2.26", "4.15"), its
SRU code (fältkod) and a short label. INK2R fields carry the side their amount
is read from: ``D`` (assets, costs: a debit balance is positive on the form) or
``C`` (equity, liabilities, income: a credit balance is positive). A field may
name an *alternative* that takes its amount when the sign is the other one (a
bank account in overdraft belongs to 2.40 Checkräkningskredit); rows the form
prints with (+/-) are two fields, ``"3.23+"`` and ``"3.23-"``, of which at most
one is filled, with the net.

Sources (closing domain brief §6): the codes it names are [H] (PSLedger's
transcription of Skatteverket's field tables 2025P4, cross-checked against real
SIE files); the remaining codes of the forms follow the same tables as we read
them [M]. The tables did not change for tax years 2024–2026 as far as we know,
so one table serves all three; a year that changes gets its own entry in
:data:`TABLES`.
"""

from __future__ import annotations

import attrs

from closing.settings import AccountRange

Side = str  # "D" or "C"
FORMS = ("INK2", "INK2R", "INK2S")


@attrs.frozen(slots=True)
class FieldDef:
    """One box of a form. ``sign`` is its sign in the INK2S sum to 4.15 (+1/-1, 0 elsewhere)."""

    id: str
    sru_code: str
    label: str
    side: Side = "D"
    alternative: str | None = None
    sign: int = 0


def _fields(table: str) -> tuple[FieldDef, ...]:
    """Rows ``id  code  side  alternative  label`` of a form ("-": no alternative)."""
    out = []
    for line in table.strip().splitlines():
        id, code, side, alternative, label = line.split(maxsplit=4)
        out.append(FieldDef(id, code, label, side, None if alternative == "-" else alternative))
    return tuple(out)


def _ink2s(table: str) -> tuple[FieldDef, ...]:
    """Rows ``id  code  sign  label``; the sign is the field's in the sum to 4.15."""
    signs = {"+": 1, "-": -1, "=": 0}
    out = []
    for line in table.strip().splitlines():
        id, code, sign, label = line.split(maxsplit=3)
        out.append(FieldDef(id, code, label, sign=signs[sign]))
    return tuple(out)


def _ranges(table: str) -> tuple[tuple[str, str, str], ...]:
    """Rows ``first–last  field``: (first, last, field id)."""
    out = []
    for line in table.strip().splitlines():
        span, field = line.split()
        first, last = span.split("–")
        out.append((first, last, field))
    return tuple(out)


INK2: tuple[FieldDef, ...] = (
    FieldDef("1.1", "7104", "Överskott av näringsverksamhet"),
    FieldDef("1.2", "7114", "Underskott av näringsverksamhet"),
)
#: INK2 carries the financial year as dates (yyyymmdd), not amounts.
INK2_YEAR_START = "7011"
INK2_YEAR_END = "7012"

#: The balance sheet: id, SRU code, side, the alternative row for the other sign, label.
INK2R_BALANCE = _fields(
    """
2.1    7201  D  -      Koncessioner, patent, licenser, varumärken, goodwill m.m.
2.2    7202  D  -      Förskott avseende immateriella anläggningstillgångar
2.3    7214  D  -      Byggnader och mark
2.4    7215  D  -      Maskiner, inventarier och övriga materiella anläggningstillgångar
2.5    7216  D  -      Förbättringsutgifter på annans fastighet
2.6    7217  D  -      Pågående nyanläggningar och förskott, materiella anläggningstillgångar
2.7    7230  D  -      Andelar i koncernföretag
2.8    7231  D  -      Andelar i intresseföretag och gemensamt styrda företag
2.9    7233  D  -      Ägarintressen i övriga företag, andra långfristiga värdepappersinnehav
2.10   7232  D  -      Fordringar hos koncern-, intresse- och gemensamt styrda företag
2.11   7234  D  -      Lån till delägare eller närstående
2.12   7235  D  -      Andra långfristiga fordringar
2.13   7241  D  -      Råvaror och förnödenheter
2.14   7242  D  -      Varor under tillverkning
2.15   7243  D  -      Färdiga varor och handelsvaror
2.16   7244  D  -      Övriga lagertillgångar
2.17   7245  D  -      Pågående arbeten för annans räkning
2.18   7246  D  2.45   Förskott till leverantörer
2.19   7251  D  2.42   Kundfordringar
2.20   7252  D  -      Fordringar hos koncern-, intresse- och gemensamt styrda företag
2.21   7261  D  2.49   Övriga fordringar
2.22   7262  D  -      Upparbetad men ej fakturerad intäkt
2.23   7263  D  2.50   Förutbetalda kostnader och upplupna intäkter
2.24   7270  D  -      Andelar i koncernföretag (kortfristiga)
2.25   7271  D  -      Övriga kortfristiga placeringar
2.26   7281  D  2.40   Kassa, bank och redovisningsmedel
2.27   7301  C  -      Bundet eget kapital
2.28   7302  C  -      Fritt eget kapital
2.29   7321  C  -      Periodiseringsfonder
2.30   7322  C  -      Ackumulerade överavskrivningar
2.31   7323  C  -      Övriga obeskattade reserver
2.32   7331  C  -      Avsättningar för pensioner enligt tryggandelagen
2.33   7332  C  -      Övriga avsättningar för pensioner och liknande förpliktelser
2.34   7333  C  -      Övriga avsättningar
2.35   7350  C  -      Obligationslån
2.36   7351  C  -      Checkräkningskredit (långfristig)
2.37   7352  C  -      Övriga skulder till kreditinstitut (långfristiga)
2.38   7353  C  -      Skulder till koncern-, intresse- och gemensamt styrda företag (lång.)
2.39   7354  C  -      Övriga långfristiga skulder
2.40   7360  C  2.26   Checkräkningskredit
2.41   7361  C  -      Övriga skulder till kreditinstitut
2.42   7362  C  2.19   Förskott från kunder
2.43   7363  C  -      Pågående arbeten för annans räkning
2.44   7364  C  -      Fakturerad men ej upparbetad intäkt
2.45   7365  C  2.18   Leverantörsskulder
2.46   7366  C  -      Växelskulder
2.47   7367  C  -      Skulder till koncern-, intresse- och gemensamt styrda företag
2.48   7368  C  2.21   Skatteskulder
2.49   7369  C  2.21   Övriga skulder
2.50   7370  C  2.23   Upplupna kostnader och förutbetalda intäkter
"""
)
#: Equity may be negative on the form; every other balance row has an alternative
#: or must not change sign.
NEGATIVE_ALLOWED = frozenset({"2.27", "2.28"})

#: The income statement; the (+/-) rows are two fields each, netted into one.
INK2R_RESULT = _fields(
    """
3.1    7410  C  -      Nettoomsättning
3.2+   7411  C  3.2-   Förändring av lager av produkter och pågående arbete (+)
3.2-   7510  D  3.2+   Förändring av lager av produkter och pågående arbete (-)
3.3    7412  C  -      Aktiverat arbete för egen räkning
3.4    7413  C  -      Övriga rörelseintäkter
3.5    7511  D  -      Råvaror och förnödenheter
3.6    7512  D  -      Handelsvaror
3.7    7513  D  -      Övriga externa kostnader
3.8    7514  D  -      Personalkostnader
3.9    7515  D  -      Av- och nedskrivningar av materiella och immateriella tillgångar
3.10   7516  D  -      Nedskrivningar av omsättningstillgångar utöver normala
3.11   7517  D  -      Övriga rörelsekostnader
3.12+  7414  C  3.12-  Resultat från andelar i koncernföretag (+)
3.12-  7518  D  3.12+  Resultat från andelar i koncernföretag (-)
3.13+  7415  C  3.13-  Resultat från andelar i intresseföretag (+)
3.13-  7519  D  3.13+  Resultat från andelar i intresseföretag (-)
3.14+  7423  C  3.14-  Resultat från övriga företag med ägarintresse (+)
3.14-  7530  D  3.14+  Resultat från övriga företag med ägarintresse (-)
3.15+  7416  C  3.15-  Resultat från övriga finansiella anläggningstillgångar (+)
3.15-  7520  D  3.15+  Resultat från övriga finansiella anläggningstillgångar (-)
3.16   7417  C  -      Övriga ränteintäkter och liknande resultatposter
3.17   7521  D  -      Nedskrivningar av finansiella anläggningstillgångar och placeringar
3.18   7522  D  -      Räntekostnader och liknande resultatposter
3.19   7524  D  3.20   Lämnade koncernbidrag
3.20   7419  C  3.19   Mottagna koncernbidrag
3.21   7420  C  3.22   Återföring av periodiseringsfond
3.22   7525  D  3.21   Avsättning till periodiseringsfond
3.23+  7421  C  3.23-  Förändring av överavskrivningar (+)
3.23-  7526  D  3.23+  Förändring av överavskrivningar (-)
3.24+  7422  C  3.24-  Övriga bokslutsdispositioner (+)
3.24-  7527  D  3.24+  Övriga bokslutsdispositioner (-)
3.25   7528  D  -      Skatt på årets resultat
"""
)
#: Årets resultat is computed from the rows above, never read from accounts.
ARETS_VINST = FieldDef("3.26", "7450", "Årets resultat, vinst (flyttas till 4.1)", "C")
ARETS_FORLUST = FieldDef("3.27", "7550", "Årets resultat, förlust (flyttas till 4.2)", "D")
INK2R: tuple[FieldDef, ...] = (*INK2R_BALANCE, *INK2R_RESULT, ARETS_VINST, ARETS_FORLUST)

#: The tax adjustments: id, SRU code, sign in the sum to 4.15 (= for the sum itself), label.
INK2S = _ink2s(
    """
4.1    7650  +  Årets resultat, vinst
4.2    7750  -  Årets resultat, förlust
4.3a   7651  +  Skatt på årets resultat
4.3b   7652  +  Bokförda nedskrivningar av finansiella tillgångar
4.3c   7653  +  Andra bokförda kostnader som inte ska dras av
4.4a   7751  -  Lämnade koncernbidrag som inte har bokförts
4.4b   7764  -  Andra kostnader som ska dras av men inte har bokförts
4.5a   7752  -  Ackordsvinster
4.5b   7753  -  Utdelning på näringsbetingade andelar
4.5c   7754  -  Andra bokförda intäkter som inte ska tas upp
4.6a   7654  +  Schablonintäkt på periodiseringsfonder
4.6b   7668  +  Schablonintäkt på investeringsfonder
4.6c   7655  +  Mottagna koncernbidrag som inte har bokförts
4.6d   7673  +  Uppräknat belopp vid återföring av periodiseringsfond
4.6e   7665  +  Andra intäkter som ska tas upp men inte har bokförts
4.13+  7663  +  Andra skattemässiga justeringar (+)
4.13-  7762  -  Andra skattemässiga justeringar (-)
4.14a  7763  -  Outnyttjat underskott från föregående år
4.15   7670  =  Överskott (flyttas till INK2 1.1)
4.16   7770  =  Underskott (flyttas till INK2 1.2)
"""
)

#: INK2R field for each BAS range (first match wins), for accounts without ``#SRU``.
#: The common codes are the brief's (§6); the finer ranges follow BAS's grouping and
#: agree with the #SRU codes of the BAS-charted files of the shared corpus (inventory
#: groups, 49xx changes in stock, 828x, 838x). Purchases 4000–4899 go to 3.5 råvaror;
#: a trading company codes them 7512 (3.6 handelsvaror) with #SRU.
BAS_TO_INK2R = _ranges(
    """
1088–1088  2.2
1000–1099  2.1
1120–1129  2.5
1180–1189  2.6
1100–1199  2.3
1280–1289  2.6
1200–1299  2.4
1310–1319  2.7
1320–1329  2.10
1330–1339  2.8
1340–1349  2.10
1360–1369  2.11
1370–1399  2.12
1300–1399  2.9
1430–1439  2.14
1400–1429  2.13
1440–1449  2.14
1450–1469  2.15
1470–1479  2.17
1480–1489  2.18
1400–1499  2.16
1560–1579  2.20
1500–1599  2.19
1620–1629  2.22
1660–1679  2.20
1600–1699  2.21
1700–1799  2.23
1860–1869  2.24
1800–1899  2.25
1900–1999  2.26
2080–2089  2.27
2000–2099  2.28
2110–2139  2.29
2150–2159  2.30
2100–2199  2.31
2210–2219  2.32
2230–2239  2.33
2200–2299  2.34
2310–2329  2.35
2330–2339  2.36
2340–2359  2.37
2360–2379  2.38
2300–2399  2.39
2410–2419  2.41
2420–2429  2.42
2430–2439  2.43
2440–2449  2.45
2450–2459  2.44
2460–2479  2.47
2480–2489  2.40
2492–2492  2.46
2400–2499  2.49
2500–2599  2.48
2600–2899  2.49
2900–2999  2.50
3000–3799  3.1
3800–3899  3.3
3900–3999  3.4
4900–4909  3.2-
4940–4959  3.2-
4960–4969  3.6
4970–4979  3.2-
4990–4999  3.2-
4000–4999  3.5
5000–6999  3.7
7000–7699  3.8
7700–7899  3.9
7900–7999  3.11
8000–8099  3.12+
8100–8199  3.13+
8270–8279  3.17
8200–8299  3.15+
8370–8389  3.17
8300–8399  3.16
8400–8499  3.18
8810–8810  3.22
8811–8811  3.22
8819–8819  3.21
8812–8818  3.22
8820–8829  3.20
8830–8839  3.19
8850–8859  3.23-
8840–8899  3.24-
8900–8989  3.25
"""
)


@attrs.frozen(slots=True)
class FormTable:
    """The forms and the BAS table of one tax year."""

    year: int
    ink2: tuple[FieldDef, ...] = INK2
    ink2r: tuple[FieldDef, ...] = INK2R
    ink2s: tuple[FieldDef, ...] = INK2S
    bas_to_ink2r: tuple[tuple[str, str, str], ...] = BAS_TO_INK2R

    def fields(self, form: str) -> tuple[FieldDef, ...]:
        return {"INK2": self.ink2, "INK2R": self.ink2r, "INK2S": self.ink2s}[form]

    def by_code(self, form: str) -> dict[str, FieldDef]:
        return {f.sru_code: f for f in self.fields(form)}

    def by_id(self, form: str) -> dict[str, FieldDef]:
        return {f.id: f for f in self.fields(form)}

    def bas_field(self, account: str) -> str | None:
        """The INK2R field id for a BAS account, ``None`` when BAS gives none."""
        for first, last, field in self.bas_to_ink2r:
            if account in AccountRange(first, last):
                return field
        return None


#: One table per tax year (calendar year in which the financial year ends), like the rates.
TABLES: dict[int, FormTable] = {year: FormTable(year) for year in (2024, 2025, 2026)}


def table_for(year: int | None) -> FormTable | None:
    return TABLES.get(year) if year is not None else None


def form_fields(tax_year: int, form: str) -> tuple[FieldDef, ...]:
    """Every field of ``form`` ("INK2", "INK2R", "INK2S") for a tax year, in form order."""
    table = TABLES.get(tax_year) or TABLES[max(TABLES)]
    return table.fields(form)


def form_period(end_month: int) -> str:
    """Skatteverket's declaration period by the month the financial year ends:
    P1 January–April, P2 May–June, P3 July–August, P4 September–December."""
    if end_month <= 4:
        return "P1"
    if end_month <= 6:
        return "P2"
    if end_month <= 8:
        return "P3"
    return "P4"


def form_name(form: str, tax_year: int, end_month: int) -> str:
    """The ``#BLANKETT`` name, e.g. ``INK2R-2025P4``: form, the year the financial
    year ends in, declaration period."""
    return f"{form}-{tax_year}{form_period(end_month)}"
