/**
 * 50 questions as callers ask them, each answered by exactly one FAQ entry
 * (its key). Worded the way people talk, not the way the FAQ is written:
 * some share the entry's words, many do not ("false teeth", "pulling a
 * tooth", "invisible braces"), so lexical search alone misses some.
 */
export interface FaqQuestion {
  text: string;
  /** Key of the entry that answers it. */
  entry: string;
}

const q = (text: string, entry: string): FaqQuestion => ({ text, entry });

export const questions: FaqQuestion[] = [
  q("Is the Riverside practice open late on Thursday evenings?", "hours:riverside"),
  q("Can I come to Northgate on a Saturday afternoon?", "hours:northgate"),
  q("Which Saturdays is the Lakeside surgery open?", "hours:lakeside"),
  q("Is there anywhere to leave my car near the Old Town clinic?", "location:old-town"),
  q("Can you validate my parking ticket at Station Square?", "location:station-square"),
  q("Which bus goes to the Westfield clinic?", "location:westfield"),
  q("I use a wheelchair, can I get into the Old Town clinic?", "facilities:old-town"),
  q("Does Elm Park have a calm waiting area for people who are scared of the dentist?", "facilities:elm-park"),
  q("What would a root canal on a back tooth set me back?", "price:root-canal"),
  q("How much is it to replace a missing tooth with an implant?", "price:implant"),
  q("What do you charge to make my teeth whiter?", "price:whitening"),
  q("How much are false teeth?", "price:dentures"),
  q("What's the fee for pulling a tooth?", "price:extraction"),
  q("How many appointments does it take to get a crown fitted?", "duration:crown"),
  q("How many months will I need to wear invisible braces?", "duration:aligners"),
  q("How long will my routine examination last?", "duration:check-up"),
  q("My cheek is swollen after my wisdom teeth came out, what helps?", "aftercare:wisdom-tooth"),
  q("Can I drink through a straw after having a tooth taken out?", "aftercare:extraction"),
  q("Is it okay to have coffee straight after bleaching my teeth?", "aftercare:whitening"),
  q("Can I drive home after being sedated?", "aftercare:sedation"),
  q("How should I look after my false teeth overnight?", "aftercare:dentures"),
  q("I wake up with a sore jaw and grind my teeth, what can you do?", "suitable:night-guard"),
  q("My front teeth are chipped and stained, is there a cosmetic fix?", "suitable:veneers"),
  q("Can smokers get implants?", "suitable:implant"),
  q("Will you take my Evergreen policy?", "insurer:evergreen"),
  q("With BlueRiver, do I have to pay upfront and claim it back?", "insurer:blueriver"),
  q("Are you in the Pinnacle network?", "insurer:pinnacle"),
  q("Is my kid's check-up covered under Summit?", "insurer:summit"),
  q("Who's your root canal specialist?", "dentist-role:chen"),
  q("Is there a dentist who specialises in small children?", "dentist-role:patel"),
  q("Do you have a dentist who speaks French?", "dentist-role:moreau"),
  q("Which days is Dr. Garcia in?", "dentist-days:garcia"),
  q("Is Dr. Okafor available on a Wednesday?", "dentist-days:okafor"),
  q("If I call off my appointment the day before, will I be charged?", "policy:cancel"),
  q("I'm running twenty minutes behind, will you still see me?", "policy:late"),
  q("Can I spread the cost of my treatment over several months?", "policy:payment-plan"),
  q("Can I pay with a cheque?", "policy:payment-methods"),
  q("Who do I ring at night if I'm in terrible pain?", "policy:emergency-line"),
  q("My son's tooth got knocked out playing football, what do we do?", "policy:knocked-out"),
  q("I'm expecting a baby, is it safe to have a dental check?", "policy:pregnancy"),
  q("How much radiation do your X-rays give off?", "policy:xray-safety"),
  q("I react badly to rubber gloves, is that an issue?", "policy:latex"),
  q("How do I move my dental notes from my old practice?", "policy:records-transfer"),
  q("My mother only speaks Vietnamese, can someone translate for her?", "policy:interpreter"),
  q("I'm terrified of dentists, what can you do for me?", "policy:nervous"),
  q("I'm 45, is it too late to straighten my teeth?", "policy:adult-braces"),
  q("Why is there blood when I clean my teeth?", "policy:bleeding-gums"),
  q("My father is housebound, can a dentist come to him?", "policy:home-visits"),
  q("Is there a monthly subscription that covers check-ups?", "policy:membership"),
  q("Will anyone answer the phone on Christmas Day?", "policy:holidays"),
];
