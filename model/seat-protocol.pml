/*
 * The seat protocol as the code implements it (domain/sign-in.ts, domain/seat-rules.ts, domain/session-lifecycle.ts,
 * functions/use-cases/seat-leasing.ts, functions/jobs/hourly-check/*), as a Promela model for Spin
 * (model/README.md; the map from each step to the code is model/STEPS.md).
 *
 * Every DynamoDB transaction is one d_step: its conditions are checked and its writes applied in one
 * indivisible step, as TransactWriteItems does. A sign-in's catalogue read and its write are separate steps,
 * as are an hourly run's reads (the due sessions, the server's live sessions) and its writes, so any process
 * may write between a read and the write decided from it.
 *
 * Time is abstract. A live session is expired or not (`exp`), and the Time process may expire any live
 * session at any moment. The wall clock is kept only as EPOCHS (`clk`): 0 while the server's Server license is
 * valid, 1 once it has expired (the server is lapsed at any later `now`), then 2 (and 3) for the `at` of an
 * hourly run that found the license due. A sign-in's `now` is the epoch of its catalogue read (`cn`). The code
 * keeps one `now` per request (signIn); the model gives each read again a new `now` (README, "Abstractions":
 * keeping the request's now in the state multiplied the search), which differs only after a `server`
 * failure on restrictedAt, where the code's read again with the same now decides the same grant again.
 *
 * Configuration: one account, one server, one CAL of SEATS seats with two assignments (a capped one of
 * CAP seat and an `all` one), three users on two PCs, four clients:
 *   client 0  user u0 (administrator; roles: capped + all) on pc0, browser
 *   client 1  user u0 on pc0, design client (same user + PC + product as client 0: they share one seat)
 *   client 2  user u1 (administrator; role: capped) on pc1
 *   client 3  user u2 (role: all) on pc1
 * Session slot S<c> holds the session client c creates; client c signs in again only when S<c> has ended.
 * Users (heartbeats, crashes), Time, two hourly Runners, and the Dashboard (Kill Session, server removal).
 *
 * Flags (spin -D<flag>): MUTANT_* put in a known bug that must be caught; DOC_* put back a rule of the first
 * docs/seat-protocol.md that the code replaced (each must be caught too, see model/README.md);
 * NO_DASHBOARD (the liveness search), LEASE_EXPIRY and WITNESS (the large configuration), BFS (trails),
 * RECLAIM_VERSION_ONLY (the reclaim without its expiry condition but with its version: must hold).
 */

#define NC        4          /* clients = session slots */
#define NONE      4          /* no slot */
#define SEATS     2          /* the license's seats */
#define CAP       1          /* the capped assignment's number */

/* what a live session holds (its pools) */
#define K_NONE 0
#define K_CAP  1             /* a seat of the license through the capped assignment */
#define K_ALL  2             /* a seat of the license through the `all` assignment */
#define K_ADM  3             /* the server's administrative connection: no license, no assignment */
mtype = { licensed, lapsed, capped, all, admin };   /* names for the narration only */
#define KIND_NAME(k) ((k) == K_CAP -> capped : ((k) == K_ALL -> all : admin))

/* the plan decideSignIn returns */
#define P_NONE   0
#define P_404    1
#define P_JOIN   2           /* revive the user's own expired session on this PC */
#define P_TAKE   3           /* take a seat (pr == NONE) or reclaim-and-take (pr = the expired holder) */
#define P_ADMIN  4           /* take the administrative connection, reclaiming every (expired) live session */
#define P_REFUSE 5           /* 409 seats_exhausted: the denial, with a ConditionCheck on the lock */

/* what learnFromOutcome makes of a write's failed names, in its order */
#define O_OK         0
#define O_GONE       1       /* server: missing or removing -> 404 */
#define O_LOCK       2       /* lock: the user already holds a session on this PC -> join it */
#define O_RECLAIM    3       /* reclaim:<ses> / reclaim-*:<ses>: the holder was touched, converted or ended -> read again */
#define O_RESTRICTED 4       /* server: restrictedAt later than the decision's now -> read again (same now) */
#define O_TAKEN      5       /* server, for the administrative connection: taken -> decide again -> 409 */
#define O_FULL       6       /* license and/or assignment: full -> decide again from the same read, counting it full */
#define O_ENDED      7       /* join: the session ended meanwhile -> read again */

#define USER(c)   ((c) <= 1 -> 0 : (c) - 1)
#define ADMIN(c)  (USER(c) != 2)
#define HASCAP(c) (USER(c) != 2)
#define HASALL(c) (USER(c) != 1)
#define BIT(j)    (1 << (j))
#define SAMEPC(c) ((c) <= 1 -> 3 : BIT(c))   /* slots of the same user + PC + product */
#define POP(m)    (((m) & 1) + (((m) >> 1) & 1) + (((m) >> 2) & 1) + (((m) >> 3) & 1))
#define LAPSED(c) (cn[c] >= 1)               /* stateOfServer at the sign-in's now: lapsed */

/* ---- the conditions a mutant or a DOC_ flag changes ---- */
#ifdef MUTANT_READ_THEN_WRITE
/* the grant checks the counts it read in the catalogue, then writes +1: check-then-act */
#define LICENSE_HAS_ROOM (!sLicFull)
#define CAP_HAS_ROOM     (!sCapFull)
#else
#define LICENSE_HAS_ROOM (licUsed < SEATS)
#define CAP_HAS_ROOM     (capUsed < CAP)
#endif
/* A reclaim's session condition (endChanges with reclaimAt): sessionAsRead(version) AND sessionExpiredAt(now).
   m is what was expired at that now and neither touched nor ended since (X of a sign-in, RX of a run). The
   version moves on every touch (heartbeat, join) and on a conversion: for a holder read as expired, "not
   touched since the read" is "still in m", "not converted" is "kind as read". */
#ifdef MUTANT_RECLAIM_NO_EXPIRY
#define STILL_EXPIRED(m, j) 1                 /* the reclaim conditioned on "not ended" only */
#define NOT_TOUCHED(m, j)   1
#define NOT_CONVERTED(j, k) 1
#else
#ifdef RECLAIM_VERSION_ONLY
#define STILL_EXPIRED(m, j) 1                 /* no expiry condition; the version stays */
#else
#define STILL_EXPIRED(m, j) (((m) & BIT(j)) != 0)
#endif
#ifdef DOC_END_NO_KIND
#define NOT_TOUCHED(m, j)   1                 /* the first doc: "not ended (and still expired)" only */
#define NOT_CONVERTED(j, k) 1
#else
#define NOT_TOUCHED(m, j)   (((m) & BIT(j)) != 0)
#define NOT_CONVERTED(j, k) (kind[j] == (k))
#endif
#endif
#ifdef DOC_ADMIN_NO_ADMINCONN
#define ADMIN_SLOT_FREE(m) (srvAdmin == NONE)
#else
#define ADMIN_SLOT_FREE(m) (srvAdmin == NONE || ((m) & BIT(srvAdmin)) != 0)   /* serverAdmitsAdminConnection */
#endif
#ifdef MUTANT_DELETE_NO_SERVER_COND
#define SERVER_GONE 0
#else
#define SERVER_GONE (!srvExists || srvRemoving)
#endif
#if defined(MUTANT_GRANT_NO_RESTRICTED_AT) || defined(DOC_NO_RESTRICT_GUARD)
#define RESTRICTED_AFTER 0
#else
#define RESTRICTED_AFTER (srvRAt > cn[me])      /* serverTakesSessions(now): restrictedAt <= now */
#endif
#ifdef DOC_DECIDE_AGAIN
#define WITNESS
#define LICENSE_GONE sLicGone
#else
#define LICENSE_GONE 0
#endif

/* ---- the table ---- */
bit  live[NC];               /* Session: live (not ended) */
bit  exp[NC];                /* holdsUntil <= now (abstract time: the time process sets it) */
bit  hb[NC];                 /* a client still heartbeats it (ghost: the clients' side, not an item) */
byte kind[NC];               /* the pools the session holds (K_*) */
byte licUsed;                /* License used */
byte capUsed;                /* capped Assignment used */
byte srvLive;                /* Server live (= connections: every session here is a CAL session) */
byte srvAdmin = NONE;        /* Server adminConnection */
bit  srvExists = 1;          /* Server item present */
bit  srvRemoving;            /* Server removing */
byte srvRAt;                 /* Server restrictedAt: 0 none, else the epoch of the `at` of the run that set it */
byte clk;                    /* the clock, in epochs (see the header) */
bit  licDue;                 /* the Server license is due (expired, not yet counted expired) */
byte lock[3] = NONE;         /* SeatLock per user + PC + product (each user uses one PC here) */
byte leaseOwner;             /* OPS / HOURLY_LEASE owner (runner 1 or 2; 0 = free) */
#ifdef LEASE_EXPIRY
bit  leaseExp;               /* the lease's expiry has passed while its run still works */
#define LEASE_FREE (leaseOwner == 0 || leaseExp)
#else
#define LEASE_FREE (leaseOwner == 0)
#endif

/* ---- ghost state: what a process read and still relies on, and the properties ---- */
byte X[NC];                  /* per sign-in: sessions expired at its now, neither touched nor ended since */
byte cn[NC];                 /* per sign-in: the epoch of its now */
bit  inReq[NC];              /* the sign-in has arrived and not answered yet */
bit  justified[NC];          /* some instant it decided on (WITNESS: any instant since it arrived) left nothing */
byte RX[2];                  /* per hourly run: sessions due at its `at`, neither touched nor ended since */
byte RS[2];                  /* per hourly run: the restriction's sessions to end, not ended since its read */
byte RK[2];                  /* per hourly run: the session the restriction converts, not ended since its read */
bit  restrictDone;           /* an hourly run has restricted the lapsed server */

/* scratch for the checks (not part of the state; pan's breadth-first search cannot hide variables) */
#ifdef BFS
#define SCRATCH
#else
#define SCRATCH hidden
#endif
SCRATCH byte hi, liveMask, expMask, seatMask, capMask, admMask;
SCRATCH byte seatsHeld, cappedHeld, liveAdminConnections, liveSessions, liveOnOnePc;
SCRATCH byte countersMatch, reclaimOfExpired, av;

#define MASK(c0, c1, c2, c3) (((c0) -> 1 : 0) | ((c1) -> 2 : 0) | ((c2) -> 4 : 0) | ((c3) -> 8 : 0))
#define IS(j, k) (live[j] && kind[j] == (k))
#define SEATED(j) (live[j] && (kind[j] == K_CAP || kind[j] == K_ALL))

inline census() {
  liveMask = MASK(live[0], live[1], live[2], live[3]);
  expMask = MASK(live[0] && exp[0], live[1] && exp[1], live[2] && exp[2], live[3] && exp[3]);
  seatMask = MASK(SEATED(0), SEATED(1), SEATED(2), SEATED(3));
  capMask = MASK(IS(0, K_CAP), IS(1, K_CAP), IS(2, K_CAP), IS(3, K_CAP));
  admMask = MASK(IS(0, K_ADM), IS(1, K_ADM), IS(2, K_ADM), IS(3, K_ADM));
  seatsHeld = POP(seatMask); cappedHeld = POP(capMask); liveAdminConnections = POP(admMask);
  liveSessions = POP(liveMask); liveOnOnePc = live[0] + live[1]
}

/* The safety properties, checked after every write (only writes change what they read). */
inline check() {
  census();
  assert(seatsHeld <= SEATS);                  /* seats held never exceed the license's seats */
  assert(cappedHeld <= CAP);                   /* nor the capped assignment's number */
  assert(liveAdminConnections <= 1);           /* one administrative connection per server */
  assert(liveOnOnePc <= 1);                    /* one live session per user + PC + product (u0 on pc0) */
  assert(srvExists || liveSessions == 0);      /* no live session on a deleted server */
  assert(!restrictDone || liveSessions <= 1);  /* a restricted server keeps one connection */
  countersMatch = (licUsed == seatsHeld && capUsed == cappedHeld && srvLive == liveSessions &&
                   (srvAdmin == NONE -> admMask == 0 : admMask == BIT(srvAdmin)));
  assert(countersMatch)                        /* used / live / adminConnection = the live sessions */
}

/* Could sign-in c take a free seat, or reclaim one from a session expired at its now (judged with its
   view of the server: lapsed iff its now is past the Server license's end)? Joins are left out: the
   refusal's ConditionCheck on the lock covers them. */
inline availOf(c) {
  if
  :: LAPSED(c) -> av = (ADMIN(c) && (liveMask & ~X[c]) == 0)
  :: else ->
     av = ((HASCAP(c) && (cappedHeld < CAP -> (seatsHeld < SEATS || (X[c] & seatMask) != 0)
                                           : (X[c] & capMask) != 0)) ||
           (HASALL(c) && (seatsHeld < SEATS || (X[c] & seatMask) != 0)))
  fi
}

/* The refusal witness: after every write, a sign-in in flight that could use nothing is justified. */
inline witness(c) {
  if
  :: inReq[c] && !justified[c] -> availOf(c); justified[c] = !av
  :: else -> skip
  fi
}

inline monitor() {
  witness(0); witness(1); witness(2); witness(3)
}

inline after() {
  check();
#ifdef WITNESS
  monitor()
#endif
}

/* A touch (heartbeat, join): the session is no longer expired at the now of any sign-in or run in flight
   (its new holdsUntil is later than any of them), and its version moved. */
inline touched(j) {
  X[0] = X[0] & ~BIT(j); X[1] = X[1] & ~BIT(j); X[2] = X[2] & ~BIT(j); X[3] = X[3] & ~BIT(j);
  RX[0] = RX[0] & ~BIT(j); RX[1] = RX[1] & ~BIT(j)
}

/* An end: also out of every restriction's lists (a later session in slot j is another session). */
inline ended(j) {
  touched(j);
  RS[0] = RS[0] & ~BIT(j); RS[1] = RS[1] & ~BIT(j); RK[0] = RK[0] & ~BIT(j); RK[1] = RK[1] & ~BIT(j)
}

/* planEnd's writes for session j that was read as holding pools k (the counters move by k, as read). */
inline endEffects(j, k) {
  if
  :: k == K_CAP -> licUsed--; capUsed--
  :: k == K_ALL -> licUsed--
  :: k == K_ADM -> srvAdmin = NONE
  :: else -> skip
  fi;
  srvLive--;
  if :: lock[USER(j)] == j -> lock[USER(j)] = NONE :: else -> skip fi;
  live[j] = 0; exp[j] = 0; kind[j] = K_NONE; hb[j] = 0;
  ended(j)
}

/* An end by seat-leasing.ts `end` (sign-out, Kill Session, server removal, restriction): planEnd conditioned
   on the version as read; on a failed `session` it reads the session again and ends what it finds. The read is
   merged with the write here, so the condition is "live" and the counters move by what the session holds. */
inline endTxn(j) {
  if
  :: live[j] -> printf("  end S%d (%e)\n", j, KIND_NAME(kind[j])); endEffects(j, kind[j]); after()
  :: else -> printf("  end S%d: already ended\n", j)
  fi
}

/* The hourly check's end of a due session (endHolder with reclaimAt = at): only if still expired at `at`
   (m: what was due then). The read is merged with the write, as in endTxn. */
inline reclaimTxn(j, m) {
  if
  :: live[j] && NOT_TOUCHED(m, j) && STILL_EXPIRED(m, j) ->   /* endChanges: version as read, expired at `at` */
     printf("  reclaim S%d (%e)\n", j, KIND_NAME(kind[j]));
     reclaimOfExpired = exp[j];
     assert(reclaimOfExpired);                 /* a reclaim ends only an expired session */
     endEffects(j, kind[j]); after()
  :: else -> printf("  reclaim S%d: condition failed (touched or ended)\n", j)
  fi
}

/* planConversion of the session the restriction keeps, after reading it again (liveHolders): still live, not
   already the administrative connection, and (the write's condition) the server names none. */
inline convertTxn(j) {
  if
  :: live[j] && kind[j] != K_ADM && srvAdmin == NONE ->
     licUsed--;
     if :: kind[j] == K_CAP -> capUsed-- :: else -> skip fi;
     kind[j] = K_ADM; srvAdmin = j; printf("  convert S%d into the administrative connection\n", j); after()
  :: else -> printf("  convert S%d: not done (ended, converted or the server names one)\n", j)
  fi
}

inline lowest(m, v) {
  if
  :: (m) & 1 -> v = 0
  :: else ->
     if
     :: (m) & 2 -> v = 1
     :: else -> if :: (m) & 4 -> v = 2 :: else -> v = 3 fi
     fi
  fi
}

/* any one of the sessions in m (the expired holder with the earliest expiresAt: time is abstract) */
inline choose(m, v) {
  if
  :: (m) & 1 -> v = 0
  :: (m) & 2 -> v = 1
  :: (m) & 4 -> v = 2
  :: (m) & 8 -> v = 3
  fi
}


/* ---- narration for trails (spin -t): printf runs only when a trail is replayed, never in pan ---- */
inline sayDecision() {
  if
  :: pk == P_404 -> skip
  :: else ->
     if
     :: pk == P_JOIN -> printf("C%d decides: join S%d\n", me, pr)
     :: pk == P_TAKE && pr == NONE -> printf("C%d decides: take a seat (%e)\n", me, (pa == K_CAP -> capped : all))
     :: pk == P_TAKE -> printf("C%d decides: reclaim S%d, take a seat (%e)\n", me, pr, (pa == K_CAP -> capped : all))
     :: pk == P_ADMIN -> printf("C%d decides: take the administrative connection, reclaiming mask %d\n", me, pm)
     :: pk == P_REFUSE -> printf("C%d decides: refuse 409\n", me)
     fi
  fi
}

inline sayPlan() {
  if
  :: pk == P_404 -> printf("C%d u%d read: server missing or removing -> 404\n", me, USER(me))
  :: else ->
     printf("C%d (u%d, now in epoch %d: %e) reads: license full=%d, cap full=%d, server live=%d restrictedAt=%d; expired at its now (bit j = S<j>): capped %d, all %d, admin %d\n",
            me, USER(me), cn[me], (LAPSED(me) -> lapsed : licensed), sLicFull, sCapFull, sLive, srvRAt, sEc, sEa, sEd);
     sayDecision()
  fi
}

inline sayOutcome() {
  if
  :: oc == O_OK && pk == P_REFUSE -> printf("C%d refused 409 seats_exhausted\n", me)
  :: oc == O_OK && pk == P_JOIN -> printf("C%d joined S%d\n", me, pr)
  :: oc == O_OK -> printf("C%d write ok: holds S%d (license used=%d cap used=%d server live=%d)\n", me, me, licUsed, capUsed, srvLive)
  :: oc == O_GONE -> printf("C%d write failed on server: 404\n", me)
  :: oc == O_LOCK -> printf("C%d write failed on lock: join S%d\n", me, pj)
  :: oc == O_RECLAIM -> printf("C%d write failed on reclaim (mask %d): read again\n", me, fm)
  :: oc == O_RESTRICTED -> printf("C%d write failed on server: restrictedAt %d after its now (epoch %d): read again\n", me, srvRAt, cn[me])
  :: oc == O_TAKEN -> printf("C%d write failed on server: administrative connection taken\n", me)
  :: oc == O_FULL -> printf("C%d write failed on license=%d assignment=%d: full\n", me, lf, cf)
  :: oc == O_ENDED -> printf("C%d join failed: S%d ended: read again\n", me, pr)
  fi
}

/* ---- the sign-in (functions/use-cases/seat-leasing.ts signIn) ---- */

/* the kind the catalogue read showed for expired holder j (its Expiry item) */
#define READ_KIND(j) ((sEc & BIT(j)) != 0 -> K_CAP : ((sEa & BIT(j)) != 0 -> K_ALL : K_ADM))

/* the request arrives: its now is this epoch, and what is expired at it is what is expired now */
inline arrive() {
  census();
  inReq[me] = 1; cn[me] = clk; X[me] = liveMask & expMask
}

/* functions/store/catalog.ts read: counters, server, and the Expiry items of sessions expired at the request's
   now (those expired when it arrived, less any touched or ended since: X) */
inline readCatalogue() {
  census();
  X[me] = liveMask & expMask; cn[me] = clk;      /* each read takes a new now (README, "Abstractions") */
  sEc = X[me] & capMask; sEa = X[me] & seatMask & ~capMask; sEd = X[me] & admMask;
  sLicFull = (licUsed >= SEATS); sCapFull = (capUsed >= CAP); sLive = srvLive;
  availOf(me);
#ifdef WITNESS
  justified[me] = (justified[me] || !av)
#else
  justified[me] = !av                          /* this decision's instants: its read (and, below, its failed writes) */
#endif
}

/* domain/sign-in.ts freeOrReclaimable + decidePoolSeat for one candidate (license, assignment a) */
inline tryCandidate(a) {
  if
  :: !sLicFull && !(a == K_CAP && sCapFull) -> pk = P_TAKE; pa = a                 /* free: take */
  :: a == K_CAP && sCapFull ->                                                        /* cap full */
     if :: sEc != 0 -> pk = P_TAKE; pa = a; pm = sEc :: else -> skip fi
  :: else ->                                                                          /* license full */
     if :: (sEc | sEa) != 0 -> pk = P_TAKE; pa = a; pm = sEc | sEa :: else -> skip fi
  fi
}

/* decidePoolSeat: candidates capped then `all`, else refuse */
inline decidePool() {
  pr = NONE; pa = K_NONE; pm = 0;
  pk = P_REFUSE;
  if :: !LICENSE_GONE && HASCAP(me) -> tryCandidate(K_CAP) :: else -> skip fi;
  if :: !LICENSE_GONE && pk == P_REFUSE && HASALL(me) -> tryCandidate(K_ALL) :: else -> skip fi
}

/* domain/sign-in.ts decideSignIn: steps 3-6 (steps 1-2 are the 404 before it; never unlicensed here).
   For a reclaim-and-take it leaves in pm the holders that would free what is full; pickReclaim takes one. */
inline decideSignIn() {
  pr = NONE; pa = K_NONE; pm = 0;
  if
  :: ((sEc | sEa | sEd) & SAMEPC(me)) != 0 -> pk = P_JOIN; lowest((sEc | sEa | sEd) & SAMEPC(me), pr)
  :: else ->
     if
     :: LAPSED(me) ->                          /* decideAdminConnection */
        if
        :: ADMIN(me) && sLive == POP(sEc | sEa | sEd) -> pk = P_ADMIN; pm = sEc | sEa | sEd
        :: else -> pk = P_REFUSE
        fi
     :: else -> decidePool()
     fi
  fi
}

/* at a failed write whose outcome teaches a decide-again (full, taken): this instant may justify a refusal */
inline noteInstant() {
  census(); availOf(me); justified[me] = (justified[me] || !av)
}

/* domain/seat-write.ts + functions/store/seat-ledger.ts: the grant's one TransactWriteItems; its outcome as
   learnFromOutcome reads the failed names: lock, then a reclaimed holder's, then server, then license/assignment */
inline grantTxn() {
  oc = O_OK; fm = 0; lf = 0; cf = 0;
  tm = (pk == P_ADMIN -> pm : (pr != NONE -> BIT(pr) : 0));   /* the sessions this write reclaims */
  for (hi : 0 .. NC - 1) {                     /* reclaim:<ses>: not ended, as read (version), still expired at now */
    if
    :: (tm & BIT(hi)) != 0 &&
       !(live[hi] && NOT_TOUCHED(X[me], hi) && NOT_CONVERTED(hi, READ_KIND(hi)) && STILL_EXPIRED(X[me], hi)) ->
       fm = fm | BIT(hi)
    :: else -> skip
    fi
  };
  if                                           /* lock: must not exist -> join its session */
#ifdef MUTANT_ADMIN_NO_LOCK
  :: pk != P_ADMIN && lock[USER(me)] != NONE -> oc = O_LOCK; pj = lock[USER(me)]
#else
  :: lock[USER(me)] != NONE -> oc = O_LOCK; pj = lock[USER(me)]
#endif
  :: else ->
     if
     :: fm != 0 -> oc = O_RECLAIM              /* a reclaimed holder's change: read again */
     :: else ->
        if                                     /* server: exists, not removing (404) */
        :: SERVER_GONE -> oc = O_GONE
        :: else ->
           if                                  /* server: restrictedAt <= now (serverTakesSessions) */
           :: RESTRICTED_AFTER -> oc = O_RESTRICTED
           :: else ->
              if                               /* server, administrative connection: connections = k, adminConnection */
              :: pk == P_ADMIN && (srvLive != POP(tm) || !ADMIN_SLOT_FREE(tm)) -> oc = O_TAKEN; noteInstant()
              :: else ->
                 /* license: +1 (a reclaim on it makes +1 -1: validity only); assignment: +1 unless the
                    reclaimed holder was on it */
                 lf = (pk == P_TAKE && pr == NONE && !LICENSE_HAS_ROOM);
                 cf = (pk == P_TAKE && pa == K_CAP && !(pr != NONE && READ_KIND(pr) == K_CAP) && !CAP_HAS_ROOM);
                 if :: lf || cf -> oc = O_FULL; noteInstant() :: else -> skip fi
              fi
           fi
        fi
     fi
  fi;
  if
  :: oc == O_OK ->
     for (hi : 0 .. NC - 1) {
       if
       :: (tm & BIT(hi)) != 0 ->
          reclaimOfExpired = exp[hi];
          assert(reclaimOfExpired);            /* a reclaim ends only an expired session */
          endEffects(hi, READ_KIND(hi))
       :: else -> skip
       fi
     };
     assert(!live[me]);                        /* (model) slot me is free: client me signs in only then */
     live[me] = 1; exp[me] = 0; hb[me] = 1; srvLive++;
     if
     :: pk == P_ADMIN -> kind[me] = K_ADM; srvAdmin = me
     :: else ->
        kind[me] = pa; licUsed++;
        if :: pa == K_CAP -> capUsed++ :: else -> skip fi
     fi;
#ifdef MUTANT_ADMIN_NO_LOCK
     if :: pk != P_ADMIN -> lock[USER(me)] = me :: else -> skip fi;
#else
     lock[USER(me)] = me;
#endif
     after()
  :: else -> skip
  fi;
  tm = 0
}

/* the join (and a sign-in that finds the lock): revive the session as a heartbeat does (planTouch) */
inline joinTxn() {
  if
  :: live[pr] -> exp[pr] = 0; hb[pr] = 1; touched(pr); oc = O_OK; after()
  :: else -> oc = O_ENDED
  fi
}

/* the refusal: the denial, with a ConditionCheck that the user's lock does not exist (join beats refusal) */
inline refuseTxn() {
  if
  :: lock[USER(me)] != NONE -> oc = O_LOCK; pj = lock[USER(me)]
  :: else ->
     oc = O_OK;
     assert(justified[me])                     /* no refusal while a pool it could use had an expired holder */
  fi
}

#ifdef DOC_DECIDE_AGAIN
/* the first doc: decide again from the same snapshot plus what the outcome taught */
inline teach() {
  if
  :: oc == O_RECLAIM -> sEc = sEc & ~fm; sEa = sEa & ~fm; sEd = sEd & ~fm
  :: oc == O_ENDED -> sEc = sEc & ~BIT(pr); sEa = sEa & ~BIT(pr); sEd = sEd & ~BIT(pr)
  :: oc == O_FULL -> sLicGone = sLicGone || lf; sCapFull = sCapFull || cf   /* "decide again without it" */
  :: else -> skip
  fi
}
#endif

/* What the write needs of the read: the kinds of what it reclaims, and for a seat (whose license or assignment
   may turn out full) the read a decide-again works from; the rest is cleared so equal states are stored once. */
inline normalize() {
  tm = (pk == P_ADMIN -> pm : (pr != NONE && pk == P_TAKE -> BIT(pr) : 0));
#ifndef DOC_DECIDE_AGAIN
  if
  :: pk == P_TAKE -> sEd = 0; sLive = 0
  :: else -> sEc = sEc & tm; sEa = sEa & tm; sEd = sEd & tm; sLive = 0; sLicFull = 0; sCapFull = 0
  fi;
#endif
#ifndef WITNESS
  X[me] = X[me] & (pk == P_TAKE -> (sEc | sEa) : tm);
  justified[me] = (justified[me] && pk == P_REFUSE);
  if :: pk == P_JOIN || pk == P_REFUSE -> cn[me] = 0 :: else -> skip fi;   /* only a grant's write asks its now */
#endif
  tm = 0; oc = 0               /* the outcome of a write that taught a decide-again is spent */
}

/* before reading again: the plan and the read are dropped (the read again takes its own now: cn, X) */
inline forgetPlan() {
  pk = P_NONE; pa = 0; pm = 0; oc = 0; fm = 0; lf = 0; cf = 0; pr = NONE; pj = NONE;
  sEc = 0; sEa = 0; sEd = 0; sLive = 0; sLicFull = 0; sCapFull = 0
}

/* before reading again: the read's ghosts are spent too (readCatalogue sets them anew), unless the WITNESS
   follows the sign-in through every instant */
inline forgetRead() {
  forgetPlan()
#ifndef WITNESS
  ; X[me] = 0; cn[me] = 0; justified[me] = 0
#endif
}

/* the answer: the request is over */
inline answer() {
  inReq[me] = 0; X[me] = 0; cn[me] = 0; justified[me] = 0;
  forgetPlan()
#ifdef DOC_DECIDE_AGAIN
  ; sLicGone = 0
#endif
}

/* the expired holder with the earliest expiresAt (then sessionId): time is abstract, so any of them */
inline pickReclaim() {
  if
  :: pk == P_TAKE && pm != 0 -> choose(pm, pr); pm = 0
  :: else -> skip
  fi
}

/* the catalogue read (404 when the server is missing or removing), then decideSignIn on it */
inline readAndDecide() {
  if
  :: srvExists && !srvRemoving ->
     d_step { readCatalogue(); decideSignIn() };
     pickReclaim();
     d_step { sayPlan(); normalize() }
  :: else -> printf("C%d read: server missing or removing -> 404\n", me); answer(); goto end_idle
  fi
}

proctype Client(byte me) {
  byte pk, pa, pm, oc, fm, tm;
  byte pr = NONE;
  byte pj = NONE;
  byte sEc, sEa, sEd, sLive; /* the catalogue read: expired holders by pool, the server's live counter */
  bit  sLicFull, sCapFull;   /* the read's full pools, and what failed writes taught (learned.full*) */
  bit  lf, cf;               /* the last write failed on license / on assignment */
#ifdef DOC_DECIDE_AGAIN
  bit  sLicGone;
#endif

  /* sign in (POST /v1/servers/{id}/sessions) when the session it made last has ended (another client of
     the same user + PC may still sign in and join it); a 404 leaves the client idle. The request arrives
     and reads at once (a read that begins later is the same as a request that arrives later). */
end_idle:
  atomic { srvExists && !srvRemoving && !live[me] -> arrive(); readAndDecide() };
write:
  atomic {                   /* the one write of this decision, and what its outcome teaches */
    d_step {
      if
      :: pk == P_JOIN -> joinTxn()
      :: pk == P_TAKE || pk == P_ADMIN -> grantTxn()
      :: pk == P_REFUSE -> refuseTxn()
      fi;
      sayOutcome();
      if                                       /* join the lock's session (its own write, at once) */
      :: oc == O_LOCK -> pk = P_JOIN; pr = pj; pj = NONE; joinTxn(); sayOutcome()
      :: else -> skip
      fi
    };
    if
    :: oc == O_OK || oc == O_GONE -> answer(); goto end_idle
#ifdef DOC_DECIDE_AGAIN
    :: oc == O_RECLAIM || oc == O_ENDED || oc == O_FULL ->   /* the first doc: the same snapshot, less what it taught */
       teach(); lf = 0; cf = 0; decideSignIn(); pickReclaim();
       printf("C%d decides again from the same snapshot, less what the write taught\n", me); sayDecision();
       goto write
#else
    :: oc == O_FULL ->                         /* learnFromOutcome: decide again, counting it full (same read) */
       sLicFull = sLicFull || lf; sCapFull = sCapFull || cf; lf = 0; cf = 0;
       decidePool(); pickReclaim();
       printf("C%d decides again from the same read, counting what failed as full\n", me); sayDecision();
       normalize();
       goto write
#endif
    :: oc == O_TAKEN ->                        /* learned.adminConnectionTaken: decide again -> 409 */
       pk = P_REFUSE; tm = 0; pm = 0; oc = 0; sEc = 0; sEa = 0; sEd = 0;
#ifndef WITNESS
       X[me] = 0; cn[me] = 0;                  /* a refusal's write asks neither its read nor its now */
#endif
       printf("C%d decides again: refuse 409 (taken)\n", me);
       goto write
    :: oc == O_RESTRICTED ->                   /* read again (the model: a new now), or the code's bound: 503 busy */
       if
       :: forgetRead(); goto reread
       :: printf("C%d answers 503 busy (its decisions spent)\n", me); answer(); goto end_idle
       fi
    :: else -> forgetRead(); goto reread       /* a reclaimed holder changed, or the joined session ended */
    fi
  };
reread:
  atomic { readAndDecide(); goto write }
}

/* ---- the clients' side of a live session: heartbeats and crashes. hb[j]: some client still heartbeats
   session j (it signed in or joined it and has not crashed). A sign-out (DELETE /v1/sessions/{id} by the
   session's server) is the same read-and-end as Kill Session, so the dashboard's Kill stands for both.
   A heartbeat of a session that is not expired moves nothing the model tracks (its version moves, but only a
   sign-in's reclaim of an EXPIRED holder reads a version and writes later). ---- */
#define HB(j) \
  :: d_step { live[j] && hb[j] && exp[j] -> printf("heartbeat S%d (revives it)\n", j); exp[j] = 0; touched(j); after() } \
  :: d_step { live[j] && hb[j] -> hb[j] = 0; printf("the clients of S%d crash (no more heartbeats)\n", j) }

active proctype Users() {
end_users:
  do
  HB(0)
  HB(1)
  HB(2)
  HB(3)
  od
}

/* ---- the hourly check (functions/jobs/hourly-check/run.ts): two runners, one lease ---- */

/* reclaim-due-sessions.ts: the sessions due at the run's `at` */
inline dueRead() {
  census();
#ifdef MUTANT_NO_DUE_RECLAIM
  RX[me - 1] = 0;                    /* the hourly check forgets its sessions step */
#else
  RX[me - 1] = liveMask & expMask;
#endif
  printf("R%d reads due sessions: mask %d\n", me, RX[me - 1])
}

inline release() {                 /* conditioned on still owning it */
  if
  :: leaseOwner == me -> leaseOwner = 0; printf("R%d gives back the lease\n", me)
#ifdef LEASE_EXPIRY
     ; leaseExp = 0
#endif
  :: else -> skip
  fi
}

/* expire-licenses.ts restrictServers, for the server: servers.markRestricted (restrictedAt = at, only forward),
   then sessions.liveHolders (strongly consistent) and domain/hourly-check.ts restriction: keep its
   administrative connection, else the earliest-started unexpired session of an administrator (every session
   expired at `at` has ended or been revived in step 1), to convert; every other connection ends. Skipped when
   the server is being removed (listAll) or gone. */
inline markAndRead() {
  if
  :: srvExists && !srvRemoving ->
     if :: srvRAt < ra -> srvRAt = ra :: else -> skip fi;
     census();
     if
     :: srvAdmin != NONE -> j = srvAdmin
     :: srvAdmin == NONE && SEATED(0) -> j = 0
     :: srvAdmin == NONE && SEATED(1) -> j = 1
     :: srvAdmin == NONE && SEATED(2) -> j = 2
     :: else -> j = NONE
     fi;
     RK[me - 1] = (j != NONE && srvAdmin == NONE -> BIT(j) : 0);
     RS[me - 1] = liveMask & ~(j == NONE -> 0 : BIT(j));
     printf("R%d marks the server restricted at epoch %d and reads its sessions: keep %d, convert mask %d, end mask %d\n",
            me, ra, j, RK[me - 1], RS[me - 1]);
     j = NONE
  :: else -> printf("R%d: the server is being removed or gone: not restricted\n", me)
  fi
}

/* the license counted expired once (markLapsed), and the run gives the lease back */
inline lapseDone() {
  d_step { licDue = 0; restrictDone = (restrictDone || srvRAt != 0); printf("R%d: lapse done\n", me) };
  ra = 0; release()
}

/* The lapse's last write (the conversion or the last end) and markLapsed are merged into one step: markLapsed
   writes only licDue, which no other process reads while this run holds the lease, and the release only frees
   the lease (without LEASE_EXPIRY nothing in between can tell the two steps apart). */
#ifdef LEASE_EXPIRY
#define LAPSE_DONE_IF_LAST skip
#else
#define LAPSE_DONE_IF_LAST \
  if :: RK[me - 1] == 0 && RS[me - 1] == 0 -> lapseDone(); goto end_wait :: else -> skip fi
#endif

/* Symmetry. The two runners are the same process but for `me`, which names only their own lease owner and
   their own RX/RS/RK; no property mentions them. Without LEASE_EXPIRY the lease lets one run at a time, so every
   reachable state has at most one runner off end_wait, and a state with Runner(2) running is a state with
   Runner(1) running with the names swapped. The search keeps one state of each such pair by giving a free lease
   to Runner(1) (Runner(2) trying meanwhile finds it held: 503 busy, no state change). With LEASE_EXPIRY two runs
   overlap, the pairs are not of that form, and both runners take the lease. */
#ifdef LEASE_EXPIRY
#define RUNNER_TAKES 1
#else
#define RUNNER_TAKES (me == 1)
#endif

proctype Runner(byte me) {   /* me = 1, 2 */
  byte j = NONE;
  byte ra;                   /* the epoch of this run's `at` when the Server license is due at it, else 0 */
end_wait:
  atomic {                   /* lease: a conditional write; a run that finds it held answers 503 busy */
    LEASE_FREE && RUNNER_TAKES -> leaseOwner = me; printf("R%d takes the lease\n", me);
#ifdef LEASE_EXPIRY
    leaseExp = 0;
#endif
    if                       /* the run's `at` (runs move forward): is the Server license due at it? */
    :: licDue -> if :: clk < 3 -> clk++ :: else -> skip fi; ra = clk
    :: else -> ra = 0
    fi;
    d_step { dueRead() };    /* step 1, sessions due at `at` */
#ifndef LEASE_EXPIRY
    if                       /* nothing due and no license due: the run is over (step 2 has nothing; merged) */
    :: RX[me - 1] == 0 && ra == 0 -> release(); goto end_wait
    :: else -> skip
    fi
#endif
  };
  do
  :: atomic {                /* each ends if still expired at `at` */
       RX[me - 1] != 0 ->
       d_step {
         lowest(RX[me - 1], j);
         printf("R%d (hourly check)\n", me); reclaimTxn(j, RX[me - 1]);
         RX[me - 1] = RX[me - 1] & ~BIT(j); j = NONE
       };
#ifndef LEASE_EXPIRY
       if                    /* the last one, and no license due: the run is over (merged with step 2) */
       :: RX[me - 1] == 0 && ra == 0 -> release(); goto end_wait
       :: else -> skip
       fi
#endif
     }
  :: atomic {                /* step 2, licenses due: restrict the lapsed server; else done */
       RX[me - 1] == 0 ->
       if
       :: ra != 0 && licDue -> markAndRead(); ra = 0;       /* the run's `at` is spent */
#ifndef LEASE_EXPIRY
          if :: RK[me - 1] == 0 && RS[me - 1] == 0 -> lapseDone(); goto end_wait :: else -> skip fi;
#endif
          break
       :: else -> ra = 0; release(); goto end_wait   /* (step 3, rollups, writes no seat) */
       fi
     }
  od;
  do
  :: atomic {                /* planConversion of the kept session, on a fresh read of it */
       RK[me - 1] != 0 -> lowest(RK[me - 1], j); RK[me - 1] = 0;
       d_step { printf("R%d (hourly check)\n", me); convertTxn(j); j = NONE };
       LAPSE_DONE_IF_LAST
     }
  :: atomic {                /* endHolder(server_restricted) of each other session read */
       RK[me - 1] == 0 && RS[me - 1] != 0 -> lowest(RS[me - 1], j); RS[me - 1] = RS[me - 1] & ~BIT(j);
       d_step { printf("R%d restricts the lapsed server\n", me); endTxn(j); j = NONE };
       LAPSE_DONE_IF_LAST
     }
  :: atomic {                /* then the license is counted expired once (markExpired) */
       RK[me - 1] == 0 && RS[me - 1] == 0 -> lapseDone(); goto end_wait
     }
  od
}

/* ---- the dashboard: Kill Session and DELETE /v1/servers/{id} ---- */
#define ANY_LIVE (live[0] || live[1] || live[2] || live[3])
inline pickLive(v) {
  if :: live[0] -> v = 0 :: live[1] -> v = 1 :: live[2] -> v = 2 :: live[3] -> v = 3 fi
}

#ifdef NO_DASHBOARD
proctype Dashboard() {       /* not started: the liveness search leaves Kill and removal out (README) */
#else
active proctype Dashboard() {
#endif
  byte j = NONE;
end_dash:
  do
  :: atomic {                /* Kill Session: read the session and end it */
       ANY_LIVE -> pickLive(j); d_step { printf("dashboard: Kill Session (or its server signs it out)\n"); endTxn(j); j = NONE }
     }
  :: atomic { srvExists && !srvRemoving -> srvRemoving = 1; printf("dashboard: server removing\n"); break }
  od;
end_removing:
  do
  :: atomic {                /* delete the server, conditioned on removing and live = 0 */
       srvLive == 0 -> d_step { srvExists = 0; srvRemoving = 0; printf("dashboard: server deleted\n"); after() };
       goto end_removed
     }
  :: atomic {                /* sessions.liveHolders of the server: end a live one (server_removed) */
       srvLive != 0 && ANY_LIVE -> pickLive(j); d_step { printf("dashboard: removal ends a session\n"); endTxn(j); j = NONE }
     }
  od;
end_removed:
  skip
}

/* ---- time: a live session expires (nobody heartbeats it in time); the Server license expires ---- */
active proctype Time() {
end_time:
  do
  :: d_step { live[0] && !exp[0] -> exp[0] = 1; printf("time: S0 expired\n") }
  :: d_step { live[1] && !exp[1] -> exp[1] = 1; printf("time: S1 expired\n") }
  :: d_step { live[2] && !exp[2] -> exp[2] = 1; printf("time: S2 expired\n") }
  :: d_step { live[3] && !exp[3] -> exp[3] = 1; printf("time: S3 expired\n") }
  :: d_step { clk == 0 -> clk = 1; licDue = 1; printf("time: the Server license expired (epoch 1: the server is lapsed)\n") }
#ifdef LEASE_EXPIRY
  :: d_step { leaseOwner != 0 && !leaseExp -> leaseExp = 1; printf("time: the hourly lease expired\n") }
#endif
  od
}

init {
  atomic {
    run Client(0); run Client(1); run Client(2); run Client(3);
    run Runner(1); run Runner(2)
  }
}

/* liveness, under weak fairness (pan -a -f): every expired session eventually ends (or is revived) */
#define E0 (live[0] && exp[0])
#define E1 (live[1] && exp[1])
#define E2 (live[2] && exp[2])
#define E3 (live[3] && exp[3])
ltl expired_sessions_end { [] ((E0 -> <> !E0) && (E1 -> <> !E1) && (E2 -> <> !E2) && (E3 -> <> !E3)) }
