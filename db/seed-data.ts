/** Demo catalogue: invented films, so the seed carries no one else's artwork or text. */

export interface SeedMovie {
  title: string;
  synopsis: string;
  runtimeMin: number;
  rating: string;
  genres: string[];
  actors: string[];
  /** Days relative to the seed day; negative = already released. */
  releaseInDays: number;
  /** Days the film stays on screen after it becomes available. */
  runDays: number;
}

export const seedGenres = [
  'Action',
  'Adventure',
  'Animation',
  'Comedy',
  'Documentary',
  'Drama',
  'Family',
  'Fantasy',
  'Horror',
  'Mystery',
  'Romance',
  'Science Fiction',
  'Thriller',
];

export const seedMovies: SeedMovie[] = [
  {
    title: 'The Last Lighthouse',
    synopsis:
      'A retired keeper returns to a storm-battered island to relight the lamp his daughter swore was cursed, and finds the sea remembers everything.',
    runtimeMin: 118,
    rating: 'PG-13',
    genres: ['Drama', 'Mystery'],
    actors: ['Mara Okafor', 'Tomas Lindqvist', 'Ada Brennan'],
    releaseInDays: -20,
    runDays: 60,
  },
  {
    title: 'Orbit of Small Things',
    synopsis:
      'Two engineers on a failing space station must decide which experiments to save when the power runs out, a tender story told in ninety minutes of real time.',
    runtimeMin: 96,
    rating: 'PG',
    genres: ['Science Fiction', 'Drama'],
    actors: ['Kenji Aoyama', 'Lucia Ferraro'],
    releaseInDays: -10,
    runDays: 45,
  },
  {
    title: 'Paper Tigers of Lagos',
    synopsis:
      'A street-smart printer forges concert tickets for the biggest show of the year, then has to make sure the band actually turns up.',
    runtimeMin: 107,
    rating: 'PG-13',
    genres: ['Comedy', 'Action'],
    actors: ['Mara Okafor', 'Chidi Eze', 'Sam Whitaker'],
    releaseInDays: -5,
    runDays: 40,
  },
  {
    title: 'Whisker Patrol',
    synopsis:
      'When the town cat show is sabotaged, a shy tabby and a very loud parrot team up to find the culprit before the grand prize is awarded.',
    runtimeMin: 88,
    rating: 'G',
    genres: ['Animation', 'Family', 'Comedy'],
    actors: ['Ada Brennan', 'Oskar Nyberg'],
    releaseInDays: -30,
    runDays: 70,
  },
  {
    title: 'Cold Harbour',
    synopsis:
      'A customs officer finds a container that should not exist and a manifest signed by a man who died ten years ago.',
    runtimeMin: 124,
    rating: 'R',
    genres: ['Thriller', 'Mystery'],
    actors: ['Tomas Lindqvist', 'Priya Raman', 'Sam Whitaker'],
    releaseInDays: -3,
    runDays: 35,
  },
  {
    title: 'The Cartographer’s Garden',
    synopsis:
      'A mapmaker inherits a garden that rearranges itself every night and must chart it before the estate is sold.',
    runtimeMin: 112,
    rating: 'PG',
    genres: ['Fantasy', 'Adventure', 'Family'],
    actors: ['Lucia Ferraro', 'Oskar Nyberg', 'Elena Petrova'],
    releaseInDays: -14,
    runDays: 50,
  },
  {
    title: 'Night Shift at Hollow Creek',
    synopsis:
      'Three nurses, one snowed-in rural hospital, and a patient who keeps being admitted again every hour on the hour.',
    runtimeMin: 101,
    rating: 'R',
    genres: ['Horror', 'Thriller'],
    actors: ['Priya Raman', 'Jonah Feld'],
    releaseInDays: -7,
    runDays: 30,
  },
  {
    title: 'Second Verse',
    synopsis:
      'A washed-up songwriter and a teenage busker write the album neither can finish alone, on a summer tour of seaside towns.',
    runtimeMin: 109,
    rating: 'PG-13',
    genres: ['Romance', 'Drama', 'Comedy'],
    actors: ['Elena Petrova', 'Chidi Eze'],
    releaseInDays: -2,
    runDays: 40,
  },
  {
    title: 'Deep Current',
    synopsis:
      'A free-diving record attempt turns into a rescue when a research submarine goes silent under the ice.',
    runtimeMin: 115,
    rating: 'PG-13',
    genres: ['Action', 'Adventure', 'Thriller'],
    actors: ['Kenji Aoyama', 'Jonah Feld', 'Mara Okafor'],
    releaseInDays: -1,
    runDays: 45,
  },
  {
    title: 'Bread and Circuits',
    synopsis:
      'A warm documentary about the bakers who keep a mountain village fed, and the robot oven they refuse to trust.',
    runtimeMin: 84,
    rating: 'G',
    genres: ['Documentary', 'Family'],
    actors: ['Sam Whitaker'],
    releaseInDays: -25,
    runDays: 60,
  },
  {
    title: 'The Glass Menagerie Heist',
    synopsis:
      'A crew of retired museum guards plans one last job: returning a stolen collection before anyone notices it was gone.',
    runtimeMin: 121,
    rating: 'PG-13',
    genres: ['Comedy', 'Mystery'],
    actors: ['Ada Brennan', 'Tomas Lindqvist', 'Lucia Ferraro'],
    releaseInDays: -4,
    runDays: 40,
  },
  {
    title: 'Starfall Academy',
    synopsis:
      'Coming soon: a class of misfit cadets discovers their flight school is the last line of defence against a meteor storm.',
    runtimeMin: 128,
    rating: 'PG',
    genres: ['Science Fiction', 'Adventure', 'Family'],
    actors: ['Oskar Nyberg', 'Kenji Aoyama', 'Elena Petrova'],
    releaseInDays: 7,
    runDays: 60,
  },
];

export interface SeedHall {
  name: string;
  layout: string[];
  basePrice: number;
  /** Minutes after midnight UTC of each day's first show. */
  firstShowMin: number;
}

export const seedHalls: SeedHall[] = [
  {
    name: 'Grand',
    basePrice: 1200,
    firstShowMin: 11 * 60,
    layout: [
      'AARRR.RRRRRRRRRR.RRRAA',
      'RRRRR.RRRRRRRRRR.RRRRR',
      'RRRRR.RRRRRRRRRR.RRRRR',
      'RRRRR.RRRRRRRRRR.RRRRR',
      'RRRRR.RRRRRRRRRR.RRRRR',
      'RRRRR.PPPPPPPPPP.RRRRR',
      'RRRRR.PPPPPPPPPP.RRRRR',
      'RRRRR.PPPPPPPPPP.RRRRR',
      'RRRRR.RRRRRRRRRR.RRRRR',
      '......................',
      'RRRRR.RRRRRRRRRR.RRRRR',
      '.VVVV.VVVVVVVVVV.VVVV.',
    ],
  },
  {
    name: 'Studio',
    basePrice: 1000,
    firstShowMin: 12 * 60,
    layout: [
      'AARRR..RRRAA',
      'RRRRR..RRRRR',
      'RRRRR..RRRRR',
      'RRRRR..RRRRR',
      'PPPPP..PPPPP',
      'PPPPP..PPPPP',
      'VVVV....VVVV',
    ],
  },
  {
    name: 'Balcony',
    basePrice: 1400,
    firstShowMin: 13 * 60,
    layout: [
      '....AARRRRAA....',
      '...RRRRRRRRRR...',
      '..RRRRRRRRRRRR..',
      '.RRRRRRRRRRRRRR.',
      'RRRRRRR..RRRRRRR',
      'PPPPPPP..PPPPPPP',
      'PPPPPPP..PPPPPPP',
      'VVVVVVV..VVVVVVV',
    ],
  },
];

export const SEED_DAYS = 14;
export const SHOWS_PER_HALL_PER_DAY = 4;
export const DEMO_USER = { email: 'demo@marquee.local', password: 'demo-password', name: 'Demo Moviegoer' };

/** A promo code to try at the checkout: 10 % off, once per customer (docs/pricing.md). */
export const DEMO_PROMO_CODE = {
  code: 'WELCOME10',
  kind: 'percent' as const,
  value: 10,
  maxRedemptions: null,
  perUserLimit: 1,
  validFrom: null,
  validUntil: null,
  movieIds: [],
  showtimeIds: [],
  active: true,
};
