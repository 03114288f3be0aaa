"""Plausible's words for footfall's values, for the stats API (footfall.api.engine): the names its
Stats API v2 gives channels, sources, devices, operating systems and countries
(https://plausible.io/docs/stats-api). The dashboard keeps footfall's own words.

- Channels: footfall's channel, with the UTM medium and source deciding the paid and
  campaign cases as Plausible's acquisition channels do
  (https://plausible.io/docs/manual-link-tagging). footfall's `ai` channel (an AI assistant's
  answer linked to the site) is its own: "AI Assistants", a documented extension.
- Sources: the UTM source, or the referrer's site by its name ("Google", "Twitter", "Hacker
  News"), or the host without "www."; no referrer and no UTM source is "Direct / None".
- Countries: ISO 3166-1 alpha-2 codes (request.cf.country) and their English short names.
"""

import re

DIRECT_SOURCE = "Direct / None"
_CHANNELS = {
    "direct": "Direct",
    "search": "Organic Search",
    "social": "Organic Social",
    "email": "Email",
    "referral": "Referral",
    "ai": "AI Assistants",
    "internal": "Direct",
}
_PAID = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")
_SOCIAL_MEDIUMS = ("social", "social-network", "social-media", "sm", "social network", "social media")
# Referrer hosts (by their registrable name) and UTM sources -> the source's name.
_NAMES = {
    "google": "Google",
    "bing": "Bing",
    "duckduckgo": "DuckDuckGo",
    "yahoo": "Yahoo!",
    "yandex": "Yandex",
    "baidu": "Baidu",
    "ecosia": "Ecosia",
    "qwant": "Qwant",
    "search.brave": "Brave",
    "startpage": "Startpage",
    "kagi": "Kagi",
    "naver": "Naver",
    "facebook": "Facebook",
    "fb": "Facebook",
    "instagram": "Instagram",
    "t.co": "Twitter",
    "twitter": "Twitter",
    "x": "Twitter",
    "linkedin": "LinkedIn",
    "lnkd.in": "LinkedIn",
    "reddit": "Reddit",
    "news.ycombinator": "Hacker News",
    "youtube": "YouTube",
    "pinterest": "Pinterest",
    "github": "GitHub",
    "tiktok": "TikTok",
    "bsky": "Bluesky",
    "threads": "Threads",
    "chatgpt": "ChatGPT",
    "chat.openai": "ChatGPT",
    "perplexity": "Perplexity",
    "claude": "Claude",
    "gemini.google": "Gemini",
    "copilot.microsoft": "Copilot",
    "mail.google": "Gmail",
    "outlook.live": "Outlook.com",
}
_SEARCH_SOURCES = frozenset({"Google", "Bing", "DuckDuckGo", "Yahoo!", "Yandex", "Baidu", "Ecosia", "Qwant"})
_SOCIAL_SOURCES = frozenset(
    {"Facebook", "Instagram", "Twitter", "LinkedIn", "Reddit", "Hacker News", "YouTube", "Pinterest", "TikTok"}
)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"})
DEVICES = {"desktop": "Desktop", "mobile": "Mobile", "tablet": "Tablet", "tv": "TV"}
OSES = {"macOS": "Mac", "Linux": "GNU/Linux"}
BROWSERS = {"Edge": "Microsoft Edge"}


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def source(referrer_host: str | None, utm_source: str | None) -> str:
    """A visit's source in Plausible's words."""
    if utm_source:
        return _NAMES.get(utm_source.lower(), utm_source)
    if not referrer_host:
        return DIRECT_SOURCE
    host = _bare(referrer_host.lower())
    labels = host.split(".")
    # The public suffix: the last label, or two (google.co.uk, google.com.au).
    suffix = 2 if len(labels) > 2 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 1
    # The host, then without its suffix, then without each leading label in turn
    # (mail.google.com -> Gmail, m.facebook.com -> Facebook, t.co -> Twitter).
    if host in _NAMES:
        return _NAMES[host]
    for cut in range(len(labels) - suffix):
        name = ".".join(labels[cut : len(labels) - suffix])
        if name in _NAMES:
            return _NAMES[name]
    return host


def channel(code: str | None, utm_medium: str | None, utm_source: str | None, referrer_host: str | None) -> str:
    """A visit's channel in Plausible's words (its entry view's footfall channel and UTM)."""
    medium = (utm_medium or "").lower()
    named = source(referrer_host, utm_source)
    if code == "campaign" or (medium and code not in ("email",)):
        if _PAID.match(medium):
            if named in _SEARCH_SOURCES:
                return "Paid Search"
            if named in _SOCIAL_SOURCES or medium in _SOCIAL_MEDIUMS:
                return "Paid Social"
            return "Paid Other"
        if medium in ("display", "banner", "expandable", "interstitial", "cpm"):
            return "Display"
        if medium == "affiliate":
            return "Affiliates"
        if medium in ("audio",):
            return "Audio"
        if medium in ("sms",):
            return "SMS"
        if medium in _SOCIAL_MEDIUMS or named in _SOCIAL_SOURCES:
            return "Organic Social"
        if named in _SEARCH_SOURCES:
            return "Organic Search"
        if code == "campaign":
            return "Referral" if (referrer_host or utm_source) else "Direct"
    return _CHANNELS.get(code or "direct", "Referral")


def referrer(raw: str | None) -> str | None:
    """The referrer as Plausible shows it: no scheme, no "www.", no lone trailing slash."""
    if not raw:
        return None
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", raw, flags=re.I)
    text = _bare(text)
    return text[:-1] if text.endswith("/") and text.count("/") == 1 else text


def device(code: str | None) -> str | None:
    return DEVICES.get(code, code) if code else None


def os(name: str | None) -> str | None:
    return OSES.get(name, name) if name else None


def browser(name: str | None) -> str | None:
    return BROWSERS.get(name, name) if name else None


def country_name(code: str | None) -> str | None:
    return COUNTRIES.get(code.upper()) if code else None


def channel_codes(name: str) -> set[str]:
    """footfall channels a Plausible channel name may come from (for filters on rollups)."""
    return {code for code, plausible in _CHANNELS.items() if plausible == name}


_COUNTRY_TEXT = (
    "AD Andorra|AE United Arab Emirates|AF Afghanistan|AG Antigua and Barbuda|AI Anguilla|AL Albania|AM Armenia|"
    "AO Angola|AQ Antarctica|AR Argentina|AS American Samoa|AT Austria|AU Australia|AW Aruba|AX Åland Islands|"
    "AZ Azerbaijan|BA Bosnia and Herzegovina|BB Barbados|BD Bangladesh|BE Belgium|BF Burkina Faso|BG Bulgaria|"
    "BH Bahrain|BI Burundi|BJ Benin|BL Saint Barthélemy|BM Bermuda|BN Brunei|BO Bolivia|BQ Caribbean Netherlands|"
    "BR Brazil|BS Bahamas|BT Bhutan|BV Bouvet Island|BW Botswana|BY Belarus|BZ Belize|CA Canada|"
    "CC Cocos (Keeling) Islands|CD DR Congo|CF Central African Republic|CG Republic of the Congo|CH Switzerland|"
    "CI Côte d'Ivoire|CK Cook Islands|CL Chile|CM Cameroon|CN China|CO Colombia|CR Costa Rica|CU Cuba|"
    "CV Cape Verde|CW Curaçao|CX Christmas Island|CY Cyprus|CZ Czechia|DE Germany|DJ Djibouti|DK Denmark|"
    "DM Dominica|DO Dominican Republic|DZ Algeria|EC Ecuador|EE Estonia|EG Egypt|EH Western Sahara|ER Eritrea|"
    "ES Spain|ET Ethiopia|FI Finland|FJ Fiji|FK Falkland Islands|FM Micronesia|FO Faroe Islands|FR France|"
    "GA Gabon|GB United Kingdom|GD Grenada|GE Georgia|GF French Guiana|GG Guernsey|GH Ghana|GI Gibraltar|"
    "GL Greenland|GM Gambia|GN Guinea|GP Guadeloupe|GQ Equatorial Guinea|GR Greece|"
    "GS South Georgia and the South Sandwich Islands|GT Guatemala|GU Guam|GW Guinea-Bissau|GY Guyana|"
    "HK Hong Kong|HM Heard Island and McDonald Islands|HN Honduras|HR Croatia|HT Haiti|HU Hungary|ID Indonesia|"
    "IE Ireland|IL Israel|IM Isle of Man|IN India|IO British Indian Ocean Territory|IQ Iraq|IR Iran|IS Iceland|"
    "IT Italy|JE Jersey|JM Jamaica|JO Jordan|JP Japan|KE Kenya|KG Kyrgyzstan|KH Cambodia|KI Kiribati|KM Comoros|"
    "KN Saint Kitts and Nevis|KP North Korea|KR South Korea|KW Kuwait|KY Cayman Islands|KZ Kazakhstan|LA Laos|"
    "LB Lebanon|LC Saint Lucia|LI Liechtenstein|LK Sri Lanka|LR Liberia|LS Lesotho|LT Lithuania|LU Luxembourg|"
    "LV Latvia|LY Libya|MA Morocco|MC Monaco|MD Moldova|ME Montenegro|MF Saint Martin|MG Madagascar|"
    "MH Marshall Islands|MK North Macedonia|ML Mali|MM Myanmar|MN Mongolia|MO Macao|MP Northern Mariana Islands|"
    "MQ Martinique|MR Mauritania|MS Montserrat|MT Malta|MU Mauritius|MV Maldives|MW Malawi|MX Mexico|MY Malaysia|"
    "MZ Mozambique|NA Namibia|NC New Caledonia|NE Niger|NF Norfolk Island|NG Nigeria|NI Nicaragua|NL Netherlands|"
    "NO Norway|NP Nepal|NR Nauru|NU Niue|NZ New Zealand|OM Oman|PA Panama|PE Peru|PF French Polynesia|"
    "PG Papua New Guinea|PH Philippines|PK Pakistan|PL Poland|PM Saint Pierre and Miquelon|PN Pitcairn Islands|"
    "PR Puerto Rico|PS Palestine|PT Portugal|PW Palau|PY Paraguay|QA Qatar|RE Réunion|RO Romania|RS Serbia|"
    "RU Russia|RW Rwanda|SA Saudi Arabia|SB Solomon Islands|SC Seychelles|SD Sudan|SE Sweden|SG Singapore|"
    "SH Saint Helena, Ascension and Tristan da Cunha|SI Slovenia|SJ Svalbard and Jan Mayen|SK Slovakia|"
    "SL Sierra Leone|SM San Marino|SN Senegal|SO Somalia|SR Suriname|SS South Sudan|ST São Tomé and Príncipe|"
    "SV El Salvador|SX Sint Maarten|SY Syria|SZ Eswatini|TC Turks and Caicos Islands|TD Chad|"
    "TF French Southern and Antarctic Lands|TG Togo|TH Thailand|TJ Tajikistan|TK Tokelau|TL Timor-Leste|"
    "TM Turkmenistan|TN Tunisia|TO Tonga|TR Türkiye|TT Trinidad and Tobago|TV Tuvalu|TW Taiwan|TZ Tanzania|"
    "UA Ukraine|UG Uganda|UM United States Minor Outlying Islands|US United States|UY Uruguay|UZ Uzbekistan|"
    "VA Vatican City|VC Saint Vincent and the Grenadines|VE Venezuela|VG British Virgin Islands|"
    "VI United States Virgin Islands|VN Vietnam|VU Vanuatu|WF Wallis and Futuna|WS Samoa|XK Kosovo|YE Yemen|"
    "YT Mayotte|ZA South Africa|ZM Zambia|ZW Zimbabwe"
)
COUNTRIES = dict(entry.split(" ", 1) for entry in _COUNTRY_TEXT.split("|"))
# Names people also write for a country, as filter values ("United States of America").
COUNTRY_ALIASES = {
    "United States of America": "US",
    "USA": "US",
    "Great Britain": "GB",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Russian Federation": "RU",
    "Republic of Korea": "KR",
}
