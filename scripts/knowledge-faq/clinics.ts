/**
 * The fictional Brightwater Dental Group's clinics, treatments, insurers and
 * dentists: the facts the generated FAQ states (faq.ts). Names are invented.
 */

export interface Clinic {
  key: string;
  name: string;
  address: string;
  weekdays: string;
  /** A weekday with longer hours, or null. */
  lateDay: string | null;
  /** Saturday hours, or null when closed. */
  saturday: string | null;
  parking: string;
  transit: string;
  phone: string;
  facilities: string;
}

export const clinics: Clinic[] = [
  {
    key: "harbour-point",
    name: "Harbour Point",
    address: "14 Quay Street, on the ground floor of the Harbour Point offices",
    weekdays: "8 am to 6 pm",
    lateDay: "Tuesdays until 8 pm",
    saturday: "9 am to 1 pm",
    parking:
      "The Quay Street car park opposite gives our patients two free hours; ask reception to validate your ticket.",
    transit: "The 12 and 31 buses stop outside the door.",
    phone: "(555) 201-4410",
    facilities: "step-free access from the street, a lift to the treatment rooms and an accessible toilet",
  },
  {
    key: "riverside",
    name: "Riverside",
    address: "220 River Road, next to the public library",
    weekdays: "8:30 am to 5:30 pm",
    lateDay: "Thursdays until 8 pm",
    saturday: null,
    parking: "There are six patient spaces behind the building, including one accessible bay.",
    transit: "Riverside tram stop is a three-minute walk.",
    phone: "(555) 201-4420",
    facilities: "a ground-floor surgery, a hearing loop at reception and a children's play corner",
  },
  {
    key: "old-town",
    name: "Old Town",
    address: "3 Market Lane, above the pharmacy",
    weekdays: "9 am to 5 pm",
    lateDay: null,
    saturday: "9 am to 12 noon",
    parking: "There is no parking at the clinic; the Castle Street garage is five minutes away on foot.",
    transit: "Take any bus to Market Square.",
    phone: "(555) 201-4430",
    facilities:
      "stairs only (the building is listed), so patients who cannot climb stairs are seen at Riverside at no extra cost",
  },
  {
    key: "northgate",
    name: "Northgate",
    address: "88 Northgate Avenue, in the Northgate shopping centre",
    weekdays: "8 am to 7 pm",
    lateDay: null,
    saturday: "9 am to 4 pm",
    parking: "The shopping centre car park is free for the first three hours.",
    transit: "Northgate bus station is inside the centre.",
    phone: "(555) 201-4440",
    facilities: "step-free access, wide doors, a lift, baby changing and an accessible toilet",
  },
  {
    key: "elm-park",
    name: "Elm Park",
    address: "5 Linden Crescent, Elm Park",
    weekdays: "8 am to 5 pm",
    lateDay: "Mondays until 7:30 pm",
    saturday: null,
    parking: "Free street parking is available on Linden Crescent after 9:30 am.",
    transit: "Elm Park station is ten minutes' walk.",
    phone: "(555) 201-4450",
    facilities: "a ramp at the entrance, a ground-floor treatment room and a quiet waiting room for anxious patients",
  },
  {
    key: "westfield",
    name: "Westfield",
    address: "41 Westfield Road, beside the medical centre",
    weekdays: "8 am to 6 pm",
    lateDay: "Wednesdays until 8 pm",
    saturday: "8:30 am to 2 pm",
    parking: "We share a large free car park with the medical centre.",
    transit: "The 7 bus stops at the medical centre.",
    phone: "(555) 201-4460",
    facilities: "step-free access, an accessible toilet and the group's sedation suite",
  },
  {
    key: "lakeside",
    name: "Lakeside",
    address: "9 Shore Drive, Lakeside village",
    weekdays: "9 am to 5:30 pm",
    lateDay: null,
    saturday: "9 am to 1 pm on the first and third Saturday of the month",
    parking: "There is a small free car park in front of the clinic.",
    transit: "The village shuttle from Lakeside station stops at Shore Drive every half hour.",
    phone: "(555) 201-4470",
    facilities: "step-free access and a children's play corner",
  },
  {
    key: "station-square",
    name: "Station Square",
    address: "2 Station Square, across from the main railway station",
    weekdays: "7:30 am to 7 pm",
    lateDay: null,
    saturday: "9 am to 3 pm",
    parking: "Use the railway station's pay-and-display car park; we cannot validate tickets there.",
    transit: "The clinic faces the main railway station and the central bus stands.",
    phone: "(555) 201-4480",
    facilities: "a lift, an accessible toilet and early appointments from 7:30 am for commuters",
  },
];

export interface Treatment {
  key: string;
  name: string;
  price: string;
  duration: string;
  expect: string;
  aftercare: string;
  suitable: string;
}

export const treatments: Treatment[] = [
  {
    key: "check-up",
    name: "a check-up",
    price: "$65 for adults and free for children under 16",
    duration: "about 20 minutes",
    expect:
      "The dentist examines your teeth, gums and mouth, checks old fillings and takes X-rays once every two years.",
    aftercare: "No aftercare is needed; you can eat and drink straight away.",
    suitable: "Everyone should have a check-up every six to twelve months, including children from their first tooth.",
  },
  {
    key: "hygiene",
    name: "a hygienist clean",
    price: "$85 for 30 minutes",
    duration: "30 minutes",
    expect:
      "The hygienist removes plaque and tartar, polishes your teeth and shows you how to brush and floss the hard-to-reach places.",
    aftercare: "Your gums may bleed a little for a day; keep brushing gently and rinse with warm salt water.",
    suitable:
      "Most adults benefit from a clean every six months; people with gum disease may need one every three months.",
  },
  {
    key: "filling",
    name: "a white filling",
    price: "from $120 for a small filling to $240 for a large one",
    duration: "30 to 60 minutes",
    expect:
      "The tooth is numbed, the decay removed and the cavity filled with tooth-coloured composite that is hardened with a blue light.",
    aftercare:
      "Wait until the numbness wears off before eating so you do not bite your cheek; the filling is fully hard immediately.",
    suitable: "Fillings repair teeth with decay, small fractures or worn edges.",
  },
  {
    key: "root-canal",
    name: "root canal treatment",
    price: "$650 for a front tooth and up to $1,100 for a molar",
    duration: "one or two visits of about 90 minutes each",
    expect:
      "The infected nerve is removed, the canals cleaned and sealed, and the tooth is usually protected with a crown afterwards.",
    aftercare:
      "The tooth may be tender for a few days; take the painkillers you would take for a headache and avoid chewing hard food on that side until the permanent filling or crown is fitted.",
    suitable: "Root canal treatment saves a tooth whose nerve is infected or has died, instead of taking it out.",
  },
  {
    key: "extraction",
    name: "a tooth extraction",
    price: "$150 for a simple extraction and $280 for a surgical one",
    duration: "20 to 45 minutes",
    expect: "After the area is numbed, the tooth is loosened and removed; you feel pressure but no pain.",
    aftercare:
      "Bite on the gauze for 30 minutes, do not rinse, smoke or drink through a straw for 24 hours, and eat soft food on the other side.",
    suitable: "We only take out a tooth when it cannot be saved, or when an orthodontist asks for it.",
  },
  {
    key: "wisdom-tooth",
    name: "wisdom tooth removal",
    price: "from $320 per tooth, or $900 for all four under sedation",
    duration: "45 minutes to an hour and a half",
    expect:
      "Wisdom teeth are removed by our oral surgeon, under local anaesthetic or with sedation at the Westfield clinic.",
    aftercare:
      "Expect swelling for three days; use cold packs on the cheek, sleep with your head raised and keep to soft food for a week.",
    suitable: "Wisdom teeth are removed when they are impacted, keep getting infected or damage the tooth in front.",
  },
  {
    key: "crown",
    name: "a crown",
    price: "$950 for a porcelain crown",
    duration: "two visits two weeks apart",
    expect:
      "The tooth is shaped and scanned at the first visit and a temporary crown fitted; the permanent crown is cemented at the second.",
    aftercare:
      "Avoid sticky food such as toffee while the temporary crown is on, and floss by pulling the floss out sideways.",
    suitable: "A crown protects a tooth weakened by a large filling, a fracture or root canal treatment.",
  },
  {
    key: "bridge",
    name: "a bridge",
    price: "from $2,400 for a three-unit bridge",
    duration: "two or three visits",
    expect: "The teeth on each side of the gap are prepared to hold a false tooth joined to two crowns.",
    aftercare: "Clean under the false tooth every day with a floss threader or an interdental brush.",
    suitable: "A bridge replaces one or two missing teeth when the neighbouring teeth are strong enough to support it.",
  },
  {
    key: "implant",
    name: "a dental implant",
    price: "$3,200 including the crown",
    duration: "three to six months from start to finish",
    expect:
      "A titanium post is placed in the jaw, left to heal for about three months, and then a crown is fitted on top.",
    aftercare: "Keep to soft food for a week after the surgery and come back for a review after ten days.",
    suitable:
      "Implants replace missing teeth for adults with healthy gums and enough jawbone; smokers have a higher failure rate.",
  },
  {
    key: "whitening",
    name: "teeth whitening",
    price: "$390 for take-home trays and $550 for in-chair whitening",
    duration: "one 90-minute visit for in-chair whitening, or two weeks at home with trays",
    expect:
      "A whitening gel is applied to your teeth, either in the clinic under a light or at home in custom-made trays.",
    aftercare: "Avoid coffee, red wine, curry and smoking for 48 hours; some sensitivity for a few days is normal.",
    suitable:
      "Whitening lightens natural teeth; it does not change the colour of crowns, veneers or fillings, and it is not offered during pregnancy or to under-18s.",
  },
  {
    key: "aligners",
    name: "clear aligner treatment",
    price: "from $3,500 to $5,200 depending on how much movement is needed",
    duration: "usually 6 to 18 months",
    expect:
      "Your teeth are scanned and you receive a series of clear trays, each worn for one or two weeks for 22 hours a day.",
    aftercare: "Take the aligners out to eat and drink anything but water, and brush before you put them back in.",
    suitable:
      "Aligners straighten mildly to moderately crooked teeth in adults and teenagers whose adult teeth have come through.",
  },
  {
    key: "veneers",
    name: "porcelain veneers",
    price: "$1,100 per tooth",
    duration: "two visits about two weeks apart",
    expect: "A thin layer of enamel is removed and a porcelain shell is bonded to the front of the tooth.",
    aftercare: "Do not bite your nails, pens or ice, and wear a night guard if you grind your teeth.",
    suitable: "Veneers cover chipped, stained or slightly uneven front teeth.",
  },
  {
    key: "dentures",
    name: "dentures",
    price: "$1,400 for a full acrylic denture and from $1,900 for a partial chrome denture",
    duration: "four or five visits over about six weeks",
    expect: "We take impressions, try a wax model in your mouth and adjust the fit before the final denture is made.",
    aftercare:
      "Take your dentures out at night, clean them with a soft brush and soak them in water so they do not dry out.",
    suitable: "Dentures replace several or all missing teeth when implants or bridges are not suitable or affordable.",
  },
  {
    key: "night-guard",
    name: "a night guard",
    price: "$420",
    duration: "two short visits a week apart",
    expect: "We scan your teeth and make a hard acrylic guard that fits over your upper teeth while you sleep.",
    aftercare: "Rinse the guard every morning, clean it with cold water and keep it in its case.",
    suitable:
      "A night guard protects your teeth if you grind or clench them at night, which often shows as morning headaches or a sore jaw.",
  },
  {
    key: "sedation",
    name: "dental sedation",
    price: "$350 per visit on top of the treatment",
    duration: "as long as the treatment, plus 30 minutes of recovery",
    expect:
      "A sedationist gives you a medicine through a small needle in your hand so you feel relaxed and drowsy and remember little of the visit.",
    aftercare:
      "Someone must take you home and stay with you for the rest of the day; do not drive, work or sign documents until the next day.",
    suitable:
      "Sedation helps very anxious patients and people having long or surgical treatment; it is offered at the Westfield clinic.",
  },
];

export interface Insurer {
  key: string;
  name: string;
  answer: string;
}

export const insurers: Insurer[] = [
  {
    key: "meridian",
    name: "Meridian Health",
    answer: "Yes. We bill Meridian Health directly, so you only pay the part your plan does not cover on the day.",
  },
  {
    key: "atlas",
    name: "Atlas Care",
    answer:
      "Yes. We bill Atlas Care directly for check-ups, cleans and fillings; for crowns and implants Atlas needs a pre-approval form, which we send for you.",
  },
  {
    key: "blueriver",
    name: "BlueRiver Mutual",
    answer:
      "Yes, but BlueRiver Mutual reimburses you: you pay us on the day and we give you a completed claim form to send them.",
  },
  {
    key: "cornerstone",
    name: "Cornerstone Dental Plan",
    answer:
      "Yes. We are a Cornerstone preferred provider, so plan members get 10 percent off treatments that the plan does not cover.",
  },
  {
    key: "evergreen",
    name: "Evergreen Assurance",
    answer:
      "No, we do not accept Evergreen Assurance at the moment. You can still be treated as a private patient and claim the cost back from Evergreen yourself.",
  },
  {
    key: "harbor-life",
    name: "Harbor Life",
    answer:
      "Yes. We bill Harbor Life directly for members of its Dental Plus plan; members of its basic plan pay us and claim it back.",
  },
  {
    key: "keystone",
    name: "Keystone Health",
    answer:
      "Yes. Keystone Health pays us directly; bring your member card to your first visit so reception can check your cover.",
  },
  {
    key: "northstar",
    name: "Northstar Benefits",
    answer:
      "Yes, Northstar Benefits is accepted at every clinic, and we can check your remaining annual allowance over the phone.",
  },
  {
    key: "pinnacle",
    name: "Pinnacle Insurance",
    answer:
      "No. Pinnacle Insurance works only with its own network of dentists, so we cannot bill them; you can be seen privately.",
  },
  {
    key: "summit",
    name: "Summit Family Cover",
    answer: "Yes. Summit Family Cover pays for children's check-ups in full and we bill them directly.",
  },
];

export interface Dentist {
  key: string;
  name: string;
  clinic: string;
  role: string;
  languages: string;
  days: string;
}

export const dentists: Dentist[] = [
  {
    key: "okafor",
    name: "Dr. Amara Okafor",
    clinic: "Harbour Point",
    role: "our clinical director and a specialist in implant dentistry",
    languages: "English and Igbo",
    days: "Mondays, Tuesdays and Thursdays",
  },
  {
    key: "lindqvist",
    name: "Dr. Erik Lindqvist",
    clinic: "Riverside",
    role: "a general dentist with a special interest in anxious patients",
    languages: "English and Swedish",
    days: "Monday to Thursday, including the Thursday late clinic",
  },
  {
    key: "moreau",
    name: "Dr. Camille Moreau",
    clinic: "Old Town",
    role: "a general dentist who also provides clear aligners",
    languages: "English and French",
    days: "Tuesdays, Wednesdays and Saturdays",
  },
  {
    key: "chen",
    name: "Dr. Wei Chen",
    clinic: "Northgate",
    role: "an endodontist who specialises in root canal treatment",
    languages: "English, Mandarin and Cantonese",
    days: "every weekday",
  },
  {
    key: "patel",
    name: "Dr. Priya Patel",
    clinic: "Elm Park",
    role: "a paediatric dentist who sees children from their first birthday",
    languages: "English, Hindi and Gujarati",
    days: "Mondays, Wednesdays and Fridays, including the Monday evening clinic",
  },
  {
    key: "garcia",
    name: "Dr. Mateo Garcia",
    clinic: "Westfield",
    role: "our oral surgeon, who removes wisdom teeth and places implants under sedation",
    languages: "English and Spanish",
    days: "Wednesdays, Thursdays and Saturdays",
  },
  {
    key: "nowak",
    name: "Dr. Katarzyna Nowak",
    clinic: "Lakeside",
    role: "a general dentist who makes dentures and night guards",
    languages: "English and Polish",
    days: "Tuesday to Friday",
  },
  {
    key: "brennan",
    name: "Dr. Liam Brennan",
    clinic: "Station Square",
    role: "a general and cosmetic dentist who does whitening and veneers",
    languages: "English and Irish",
    days: "Monday to Friday, with early appointments at 7:30 am",
  },
  {
    key: "haddad",
    name: "Dr. Layla Haddad",
    clinic: "Harbour Point",
    role: "a periodontist who treats gum disease",
    languages: "English and Arabic",
    days: "Wednesdays and Fridays",
  },
  {
    key: "santos",
    name: "Dr. Rafael Santos",
    clinic: "Northgate",
    role: "a general dentist who leads the Saturday emergency clinic",
    languages: "English and Portuguese",
    days: "Thursdays, Fridays and Saturdays",
  },
  {
    key: "ito",
    name: "Dr. Hana Ito",
    clinic: "Westfield",
    role: "an orthodontist who treats children and adults with braces and aligners",
    languages: "English and Japanese",
    days: "Mondays and Tuesdays",
  },
  {
    key: "muller",
    name: "Dr. Jonas Müller",
    clinic: "Riverside",
    role: "a prosthodontist who plans crowns, bridges and full-mouth restorations",
    languages: "English and German",
    days: "Fridays, and the first Saturday of every month at Harbour Point",
  },
];
