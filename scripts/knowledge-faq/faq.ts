/**
 * A generated FAQ for retrieval tests and `parley bench knowledge`: 200
 * entries of the fictional Brightwater Dental Group (eight clinics, fifteen
 * treatments, ten insurers, twelve dentists, and 82 hand-written policy and
 * health entries), as one Markdown document, and 50 questions a caller
 * might ask, each paraphrasing one entry in other words ("false teeth" for
 * dentures, "call off" for cancel). Deterministic: no randomness, the same
 * text every run. Entries of one family differ only in their facts, the
 * near-duplicates real FAQs are full of, so ranking the right one matters.
 *
 * @example
 *   const faq = buildFaq();
 *   faq.entries.length;   // 200
 *   faq.questions[0];     // { text: "Is the Riverside practice open late on Thursday evenings?", entry: "hours:riverside" }
 */
import { clinics, dentists, insurers, treatments, type Clinic } from "./clinics.js";
import { policies } from "./policies.js";
import { questions, type FaqQuestion } from "./questions.js";

export type { FaqQuestion } from "./questions.js";

export interface FaqEntry {
  /** Stable id, e.g. "price:implant", "policy:cancel": what the questions point at. */
  key: string;
  topic: string;
  question: string;
  answer: string;
}

export interface Faq {
  title: string;
  /** In document order. */
  entries: FaqEntry[];
  /** The whole FAQ as Markdown: `## topic`, then `### question` and the answer. */
  markdown: string;
  questions: FaqQuestion[];
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function hours(c: Clinic): string {
  const late = c.lateDay ? `, with a late clinic on ${c.lateDay}` : "";
  const saturday = c.saturday
    ? `On Saturdays it is open ${c.saturday}; it is closed on Sundays.`
    : "It is closed at weekends.";
  return `The ${c.name} clinic is open ${c.weekdays} from Monday to Friday${late}. ${saturday}`;
}

function familyEntries(): FaqEntry[] {
  const out: FaqEntry[] = [];
  const add = (topic: string, key: string, question: string, answer: string) =>
    out.push({ key, topic, question, answer });
  for (const c of clinics) {
    add("Our clinics", `hours:${c.key}`, `What are the opening hours of the ${c.name} clinic?`, hours(c));
    add(
      "Our clinics",
      `location:${c.key}`,
      `Where is the ${c.name} clinic, and where can I park?`,
      `The ${c.name} clinic is at ${c.address}. ${c.parking} ${c.transit} Its phone number is ${c.phone}.`,
    );
    add(
      "Our clinics",
      `facilities:${c.key}`,
      `Is the ${c.name} clinic accessible?`,
      `The ${c.name} clinic has ${c.facilities}.`,
    );
  }
  for (const t of treatments) {
    add(
      "Treatments and prices",
      `price:${t.key}`,
      `What is the price of ${t.name}?`,
      `${capital(t.name)} costs ${t.price}. Insurance may pay part of it: see the insurance questions below.`,
    );
    add(
      "Treatments and prices",
      `duration:${t.key}`,
      `How long does ${t.name} take, and what happens?`,
      `It takes ${t.duration}. ${t.expect}`,
    );
    add("Aftercare", `aftercare:${t.key}`, `What should I do after ${t.name}?`, t.aftercare);
    add("Treatments and prices", `suitable:${t.key}`, `Who is ${t.name} for?`, t.suitable);
  }
  for (const i of insurers) add("Insurance", `insurer:${i.key}`, `Do you accept ${i.name}?`, i.answer);
  for (const d of dentists) {
    add(
      "Our dentists",
      `dentist-role:${d.key}`,
      `Who is ${d.name}?`,
      `${d.name} is ${d.role}, at our ${d.clinic} clinic, and speaks ${d.languages}.`,
    );
    add(
      "Our dentists",
      `dentist-days:${d.key}`,
      `When does ${d.name} work?`,
      `${d.name} works at the ${d.clinic} clinic on ${d.days}.`,
    );
  }
  return out;
}

/** Builds the FAQ; throws if an entry key repeats or a question points at no entry (a broken generator, not bad input). */
export function buildFaq(): Faq {
  const all = [...familyEntries(), ...policies.map((p) => ({ ...p, key: `policy:${p.key}` }))];
  const topics = [...new Set(all.map((e) => e.topic))];
  // In document order: topic by topic.
  const entries = topics.flatMap((topic) => all.filter((e) => e.topic === topic));
  const keys = new Set<string>();
  for (const e of entries) {
    if (keys.has(e.key)) throw new Error(`FAQ entry ${e.key} appears twice`);
    keys.add(e.key);
  }
  for (const q of questions)
    if (!keys.has(q.entry)) throw new Error(`question ${JSON.stringify(q.text)} points at no entry ${q.entry}`);
  const title = "Brightwater Dental Group: frequently asked questions";
  const markdown = [
    `# ${title}`,
    "",
    ...topics.flatMap((topic) => [
      `## ${topic}`,
      "",
      ...entries.filter((e) => e.topic === topic).flatMap((e) => [`### ${e.question}`, "", e.answer, ""]),
    ]),
  ].join("\n");
  return { title, entries, markdown, questions };
}
