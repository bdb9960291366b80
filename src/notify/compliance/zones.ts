/**
 * The recipient's time zone from the number alone: E.164 prefixes (country
 * code, and for +1 and a few large countries the area code) to an IANA zone.
 * Enough for the common cases, not a numbering-plan database: a country or
 * area code that spans zones maps to its most populous one, and anything
 * unlisted falls back to `notify.defaultTimeZone`. Sites add or correct
 * prefixes with `notify.zones`; a notification or campaign row can always
 * name its zone explicitly.
 */

export const NANP_AREA_CODES: Readonly<Record<string, string>> = {
  "America/New_York":
    "201 202 203 207 212 215 216 220 223 229 234 239 240 248 252 267 272 276 283 301 302 304 305 313 315 321 326 330 332 336 339 347 351 352 380 386 401 404 407 410 412 413 419 423 434 440 443 445 470 475 478 484 502 508 513 516 517 518 540 551 561 567 570 571 582 585 586 603 606 607 609 610 614 616 617 631 640 646 667 678 680 681 689 703 704 706 716 717 718 724 727 732 734 740 743 754 757 762 770 772 774 781 786 802 803 804 810 813 814 828 835 838 839 843 845 848 850 854 856 857 859 860 862 863 864 865 878 904 908 910 912 914 917 919 929 934 937 941 947 948 954 959 973 978 980 984 989",
  "America/Indiana/Indianapolis": "260 317 463 574 765 812 930",
  "America/Chicago":
    "205 210 214 217 218 219 224 225 228 251 254 256 262 270 281 309 312 314 316 318 319 320 325 331 334 337 346 361 364 402 405 409 414 417 430 432 447 469 479 501 504 507 512 515 531 534 539 557 563 573 580 601 605 608 612 615 618 620 629 630 636 641 651 660 662 682 701 708 712 713 715 726 731 737 763 769 773 779 785 806 815 816 817 830 832 847 870 872 901 903 913 918 920 931 936 938 940 945 952 956 972 979 985",
  "America/Denver": "208 303 307 385 406 435 505 575 719 720 801 915 970 983 986",
  "America/Phoenix": "480 520 602 623 928",
  "America/Los_Angeles":
    "206 209 213 253 279 310 323 341 360 408 415 424 425 442 458 503 509 510 530 541 559 562 564 619 626 628 650 657 661 669 702 707 714 725 747 760 775 805 818 820 831 858 909 916 925 949 951 971",
  "America/Anchorage": "907",
  "Pacific/Honolulu": "808",
  "America/Toronto": "226 249 289 343 365 367 416 418 437 438 450 514 519 548 579 581 613 647 705 807 819 873 905",
  "America/Winnipeg": "204 431",
  "America/Regina": "306 639",
  "America/Edmonton": "368 403 587 780 825",
  "America/Vancouver": "236 250 604 672 778",
  "America/Halifax": "782 902",
  "America/Moncton": "506",
  "America/St_Johns": "709",
  "America/Puerto_Rico": "787 939",
  "America/Jamaica": "876",
  "America/Santo_Domingo": "809 829 849",
  "America/Nassau": "242",
  "America/Barbados": "246",
  "America/Port_of_Spain": "868",
};

/** Country codes (and area codes of countries with several zones) to the zone most of their numbers are in. */
const WORLD: Record<string, string> = {
  "7": "Europe/Moscow",
  "20": "Africa/Cairo",
  "27": "Africa/Johannesburg",
  "30": "Europe/Athens",
  "31": "Europe/Amsterdam",
  "32": "Europe/Brussels",
  "33": "Europe/Paris",
  "34": "Europe/Madrid",
  "36": "Europe/Budapest",
  "39": "Europe/Rome",
  "40": "Europe/Bucharest",
  "41": "Europe/Zurich",
  "43": "Europe/Vienna",
  "44": "Europe/London",
  "45": "Europe/Copenhagen",
  "46": "Europe/Stockholm",
  "47": "Europe/Oslo",
  "48": "Europe/Warsaw",
  "49": "Europe/Berlin",
  "51": "America/Lima",
  "52": "America/Mexico_City",
  "54": "America/Argentina/Buenos_Aires",
  "55": "America/Sao_Paulo",
  "56": "America/Santiago",
  "57": "America/Bogota",
  "60": "Asia/Kuala_Lumpur",
  "61": "Australia/Sydney",
  "613": "Australia/Melbourne",
  "617": "Australia/Brisbane",
  "618": "Australia/Adelaide",
  "6189": "Australia/Perth",
  "62": "Asia/Jakarta",
  "63": "Asia/Manila",
  "64": "Pacific/Auckland",
  "65": "Asia/Singapore",
  "66": "Asia/Bangkok",
  "81": "Asia/Tokyo",
  "82": "Asia/Seoul",
  "84": "Asia/Ho_Chi_Minh",
  "86": "Asia/Shanghai",
  "90": "Europe/Istanbul",
  "91": "Asia/Kolkata",
  "212": "Africa/Casablanca",
  "234": "Africa/Lagos",
  "254": "Africa/Nairobi",
  "351": "Europe/Lisbon",
  "352": "Europe/Luxembourg",
  "353": "Europe/Dublin",
  "354": "Atlantic/Reykjavik",
  "358": "Europe/Helsinki",
  "420": "Europe/Prague",
  "421": "Europe/Bratislava",
  "852": "Asia/Hong_Kong",
  "966": "Asia/Riyadh",
  "971": "Asia/Dubai",
  "972": "Asia/Jerusalem",
};

/** The built-in prefix table: digits of E.164 without '+', to zone. */
export const BUILTIN_ZONES: Readonly<Record<string, string>> = (() => {
  const table: Record<string, string> = { ...WORLD };
  for (const [zone, codes] of Object.entries(NANP_AREA_CODES))
    for (const code of codes.split(" ")) table[`1${code}`] = zone;
  return table;
})();

/**
 * The zone of an E.164 number ("+12125550123" -> America/New_York) by the longest
 * matching prefix of `overrides` over the built-in table; `fallback` when none matches.
 */
export function zoneForNumber(
  e164: string,
  fallback: string,
  overrides: Readonly<Record<string, string>> = {},
): string {
  const digits = /^\+(\d{7,15})$/.exec(e164)?.[1];
  if (!digits) return fallback;
  for (let n = Math.min(8, digits.length); n > 0; n--) {
    const prefix = digits.slice(0, n);
    const zone = overrides[prefix] ?? BUILTIN_ZONES[prefix];
    if (zone) return zone;
  }
  return fallback;
}
