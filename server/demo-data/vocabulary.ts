// Words the demo generator builds callers and cases from: names, real Philadelphia streets, and
// the kind of sentence a call-taker writes for each service type.

export const FIRST_NAMES = [
  'James', 'Maria', 'Robert', 'Keisha', 'Michael', 'Linda', 'David', 'Tanisha', 'William', 'Patricia',
  'Anthony', 'Jennifer', 'Joseph', 'Aaliyah', 'Christopher', 'Elizabeth', 'Daniel', 'Yolanda', 'Kevin', 'Susan',
  'Jose', 'Carmen', 'Luis', 'Ana', 'Minh', 'Lan', 'Wei', 'Mei', 'Dmitri', 'Olga',
  'Kwame', 'Fatima', 'Omar', 'Amina', 'Sean', 'Bridget', 'Tyrone', 'Latoya', 'Brian', 'Nicole',
  'Anh', 'Hoa', 'Rashid', 'Ayesha', 'Giovanni', 'Rosa', 'Andre', 'Monique', 'Patrick', 'Colleen',
];

export const LAST_NAMES = [
  'Johnson', 'Williams', 'Brown', 'Jones', 'Davis', 'Miller', 'Wilson', 'Moore', 'Taylor', 'Jackson',
  'Harris', 'Martin', 'Thompson', 'Robinson', 'Lewis', 'Walker', 'Rodriguez', 'Rivera', 'Cruz', 'Santiago',
  'Torres', 'Ortiz', 'Nguyen', 'Tran', 'Pham', 'Chen', 'Li', 'Wang', 'Kelly', 'Murphy',
  'McLaughlin', 'Sullivan', 'DiNardo', 'Russo', 'Esposito', 'Kowalski', 'Novak', 'Ivanov', 'Okafor', 'Mensah',
  'Diallo', 'Ali', 'Khan', 'Washington', 'Coleman', 'Brooks', 'Greene', 'Simmons', 'Price', 'Bennett',
];

/** Real Philadelphia street names, as an address line writes them. */
export const STREETS = [
  'N Broad St', 'S Broad St', 'Market St', 'Chestnut St', 'Walnut St', 'Spruce St', 'Pine St', 'Lombard St',
  'South St', 'Christian St', 'Washington Ave', 'Passyunk Ave', 'Snyder Ave', 'Oregon Ave', 'Girard Ave',
  'Spring Garden St', 'Fairmount Ave', 'Lehigh Ave', 'Allegheny Ave', 'Erie Ave', 'Hunting Park Ave',
  'Roosevelt Blvd', 'Cottman Ave', 'Frankford Ave', 'Torresdale Ave', 'Castor Ave', 'Bustleton Ave',
  'Germantown Ave', 'Ridge Ave', 'Lancaster Ave', 'Baltimore Ave', 'Woodland Ave', 'Chester Ave',
  'Kensington Ave', 'Aramingo Ave', 'Richmond St', 'Tulip St', 'Cecil B Moore Ave', 'Diamond St',
  'York St', 'Dauphin St', 'Susquehanna Ave', 'Wyoming Ave', 'Olney Ave', 'Chelten Ave', 'Wayne Ave',
  'Lincoln Dr', 'Henry Ave', 'Main St', 'Rhawn St', 'Welsh Rd', 'Grant Ave', 'Academy Rd', 'Knights Rd',
  'N 5th St', 'S 9th St', 'N 22nd St', 'S 47th St', 'N 52nd St', 'N 63rd St', 'S 58th St', 'Cobbs Creek Pkwy',
];

/** A language a caller prefers, weighted roughly like Philadelphia's 311 interpreter requests. */
export const LANGUAGES: ReadonlyArray<{ item: string; weight: number }> = [
  { item: 'en', weight: 86 },
  { item: 'es', weight: 9 },
  { item: 'zh', weight: 2 },
  { item: 'vi', weight: 1.5 },
  { item: 'ru', weight: 1 },
  { item: 'ar', weight: 0.5 },
];

/** Sentences by service type name; `{street}` becomes a street from the address. */
const DESCRIPTIONS: Record<string, string[]> = {
  'Information Request': [
    'Caller asked about trash collection days for their block.',
    'Caller asked how to apply for a rental license.',
    'Caller asked for the hours of the nearest recreation center.',
    'Caller asked about property tax payment options.',
    'Caller asked how to get a copy of a birth certificate.',
  ],
  'Maintenance Complaint': [
    'Tenant reports leaking ceiling and mold in the bathroom; landlord not responding.',
    'Overgrown weeds and open back door at the property next door.',
    'Broken front steps at a rental property on {street}.',
  ],
  'Graffiti Removal': [
    'Graffiti on the side wall of a corner store on {street}.',
    'Spray paint tags on the garage doors along the alley.',
  ],
  'Abandoned Vehicle': [
    'Silver sedan with no tags parked for three weeks on {street}.',
    'Vehicle with flat tires and broken windows has not moved in a month.',
  ],
  'Other (Streets)': ['Loose metal plate in the travel lane on {street}.', 'Damaged guard rail near the intersection.'],
  'Rubbish/Recyclable Material Collection': [
    'Recycling was missed on {street} this week.',
    'Trash not collected on the whole block since Monday.',
  ],
  'Street Light Outage': ['Street light out in front of the house on {street}.', 'Three lights out in a row on {street}.'],
  'Street Defect': ['Large pothole in the right lane of {street}.', 'Sunken trench from utility work on {street}.'],
  'License Complaint': ['Business operating without a license on {street}.', 'Unlicensed rooming house, many tenants.'],
  'Construction Complaints': ['Construction starting before 7 a.m. on {street}.', 'Work without permits posted, debris on the sidewalk.'],
  'Illegal Dumping': ['Mattresses and tires dumped in the vacant lot on {street}.', 'Construction debris dumped in the alley overnight.'],
  'Traffic (Other)': ['Cars speeding through the school zone on {street}.', 'Faded crosswalk at the corner needs repainting.'],
  'Traffic Signal Emergency': ['Traffic signal dark at the intersection on {street}.', 'Signal stuck on red in all directions.'],
  'Right of Way Unit': ['Dumpster blocking the sidewalk without a permit on {street}.'],
  'Street Trees': ['Dead branch hanging over the sidewalk on {street}.', 'Tree roots lifting the pavement.'],
  'Smoke Detector': ['Resident requests a free smoke detector installation.'],
  'Parks and Rec Safety and Maintenance': ['Broken swing and glass on the playground.', 'Park lights out along the path.'],
  'LI Escalation': ['Caller following up on an open L&I complaint with no inspection yet.'],
  'Inlet Cleaning': ['Storm inlet clogged with leaves, street floods when it rains on {street}.'],
  'Homeless Encampment Request': ['Person sleeping outside the transit entrance may need outreach.'],
  'Stop Sign Repair': ['Stop sign knocked down at the corner of {street}.'],
  'Sanitation Violation': ['Trash set out days early and bags torn open on {street}.'],
  'Manhole Cover': ['Manhole cover rattling and partly out of place on {street}.'],
  'Dead Animal in Street': ['Dead cat in the street in front of the house on {street}.'],
  'Alley Light Outage': ['Alley light out behind the houses on {street}.'],
};

export function describeRequest(serviceTypeName: string, street: string | null, pick: (options: readonly string[]) => string): string {
  const options = DESCRIPTIONS[serviceTypeName] ?? [`${serviceTypeName} reported by the caller.`];
  return pick(options).replace('{street}', street ?? 'the block');
}
