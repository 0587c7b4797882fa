/**
 * An R script that loads the long ratings file (ratings.ts) and recomputes the coefficient
 * report's figures with irrCAC (Gwet's functions, the ones our coefficients follow) and irr
 * (Krippendorff's alpha, a second opinion), printing them beside the app's and stopping when one
 * differs. It is written from the same definitions the app uses: the long file's column names
 * (LONG_COLUMNS), each dimension's reading (categoryReading) and categories, and the report's
 * own values. Not run in our tests (R is absent there); README "Analysis files" says how to run it.
 */
import type { CoefficientReport } from '../agreement/coefficient-report.ts';
import type { CoefficientSet } from '../agreement/coefficient-table.ts';
import { categoryReading } from '../agreement/categories.ts';
import type { Codebook, Dimension } from '../codebook/schema.ts';
import { provenanceText, type Provenance } from './provenance.ts';
import { LONG_COLUMNS } from './ratings.ts';

/** An R string literal (JSON's escapes are R's for these characters). */
export function rString(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const rVector = (xs: string[]) => `c(${xs.map(rString).join(', ')})`;

/** A number as R reads it back (15 significant digits), or NA. */
function rNumber(x: number | null): string {
  return x === null ? 'NA' : String(Number(x.toPrecision(15)));
}

/** The app's figures of one table, named as the script names them. */
function appValues(set: CoefficientSet): string {
  const pairs: [string, number | null][] = [
    ['percent', set.percent.value],
    ['cohen_mean', set.cohen.value],
    ['fleiss', set.fleiss.value],
    ['conger', set.conger.value],
    ['gwet', set.gwet.value],
    ['brennan_prediger', set.brennanPrediger.value],
    ['alpha', set.alpha.value],
  ];
  return `c(${pairs.map(([k, v]) => `${k} = ${rNumber(v)}`).join(', ')})`;
}

/** The R expression giving a row's category (`v`: its value text), as `categoryReading` reads the dimension. */
function keyExpression(dim: Dimension): string | null {
  const order = rVector(dim.values.map((v) => v.id));
  switch (dim.kind) {
    case 'single':
    case 'ordinal':
      return 'v';
    case 'multi':
      return `set_key(values_of(v), ${order})`;
    case 'tree':
      return `set_key(types_of(v), ${order})`;
    default:
      return null;
  }
}

export interface RScriptInput {
  codebook: Codebook;
  report: CoefficientReport;
  /** The long file's name, the script's default argument. */
  longFile: string;
  provenance: Provenance;
}

export function agreementRScript({ codebook, report, longFile, provenance }: RScriptInput): string {
  const col = Object.fromEntries(LONG_COLUMNS.map((c) => [c.key, c.label])) as Record<(typeof LONG_COLUMNS)[number]['key'], string>;
  const $ = (key: keyof typeof col) => `[[${rString(col[key])}]]`;
  const blocks: string[] = [];

  if (report.pooled) {
    const dims = report.pooled.dimensions.map((id) => codebook.dimensions.find((d) => d.id === id)!);
    const known = dims.filter((d) => d.kind === 'single' || d.kind === 'ordinal').flatMap((d) => d.values.map((v) => `${d.id}:${v.id}`));
    blocks.push(
      `# Pooled: one unit per entry and categorical dimension; values qualified by their dimension, sets compared whole.`,
      `rows <- people[people${$('dimension')} %in% ${rVector(dims.map((d) => d.id))}, ]`,
      `keys <- mapply(function(d, v) paste(sort(paste0(d, ":", values_of(v)), method = "radix"), collapse = "|"), rows${$('dimension')}, rows${$('value')}, USE.NAMES = FALSE)`,
      `m <- ratings_matrix(paste(rows${$('entry')}, rows${$('dimension')}, sep = "\\t"), rows${$('annotator')}, keys)`,
      `compare("Pooled", m, union(${rVector(known)}, sort(unique(keys), method = "radix")), "nominal", ${appValues(report.pooled.coefficients)})`,
      '',
    );
  }
  for (const d of report.dimensions) {
    if (!d.table) continue;
    const dim = codebook.dimensions.find((x) => x.id === d.id)!;
    const reading = categoryReading(dim);
    const level = d.table.level;
    const weights = level === 'ordinal' ? d.table.weights : 'unweighted';
    if (reading) {
      const key = keyExpression(dim)!;
      blocks.push(
        `# ${d.label} (${d.kind}): ${d.treatment}.`,
        `rows <- people[people${$('dimension')} == ${rString(dim.id)}, ]`,
        `keys <- vapply(rows${$('value')}, function(v) ${key}, "", USE.NAMES = FALSE)`,
        ...(dim.kind === 'ordinal' ? [`keep <- keys %in% ${rVector(reading.known)}; rows <- rows[keep, ]; keys <- keys[keep]  # off the scale: no rank`] : []),
        `m <- ratings_matrix(rows${$('entry')}, rows${$('annotator')}, keys)`,
        `compare(${rString(d.label)}, m, ${reading.known.length ? `union(${rVector(reading.known)}, sort(unique(keys), method = "radix"))` : 'sort(unique(keys), method = "radix")'}, ${rString(level)}, ${appValues(d.table.coefficients)}, weights = ${rString(weights)})`,
        '',
      );
    } else if (dim.kind === 'checklist') {
      blocks.push(
        `# ${d.label} (checklist): ${d.treatment}.`,
        `rows <- people[people${$('dimension')} == ${rString(dim.id)}, ]`,
        `items <- do.call(rbind, lapply(seq_len(nrow(rows)), function(i) { parts <- values_of(rows${$('value')}[i]); data.frame(unit = paste(rows${$('entry')}[i], sub("=.*$", "", parts), sep = "\\t"), annotator = rows${$('annotator')}[i], key = ifelse(sub("^.*=", "", parts) == "1", "present", "absent"), stringsAsFactors = FALSE) }))`,
        `m <- ratings_matrix(items$unit, items$annotator, items$key)`,
        `compare(${rString(d.label)}, m, c("absent", "present"), "nominal", ${appValues(d.table.coefficients)})`,
        '',
      );
    }
  }

  return [
    `# ${provenanceText(provenance)}`,
    '# Recomputes the figures of `concord agreement` (every coefficient, pooled and per dimension, the',
    '# bootstrap aside) from the long ratings file, with irrCAC (Gwet 2014) and irr, beside the app\'s own.',
    `#   Rscript concord-agreement.r ${longFile}`,
    '# Needs: install.packages(c("irrCAC", "irr")). irrCAC rounds its coefficients to 5 decimals, so they',
    '# agree with the app to 1e-5; the script stops if one does not.',
    '',
    'suppressPackageStartupMessages({ library(irrCAC); library(irr) })',
    'args <- commandArgs(trailingOnly = TRUE)',
    `path <- if (length(args) >= 1) args[1] else ${rString(longFile)}`,
    '# The first line names the app and the labels (their SHA-256); skip = 1 passes over it.',
    'long <- read.csv(path, skip = 1, colClasses = "character", na.strings = character(0), check.names = FALSE, encoding = "UTF-8")',
    `stopifnot(all(${rVector(LONG_COLUMNS.map((c) => c.label))} %in% names(long)))`,
    `raters <- ${rVector(report.raters)}`,
    `people <- long[long${$('annotator_kind')} == "human" & long${$('annotator')} %in% raters, ]`,
    '',
    '# A value holds ids joined by "|"; a tree path is type::subtype.',
    'values_of <- function(v) strsplit(v, "|", fixed = TRUE)[[1]]',
    'types_of <- function(v) sub("::.*$", "", values_of(v))',
    '# A set as one category: its members in codebook order, then by id.',
    'set_key <- function(ids, order) { ids <- unique(ids); paste(ids[order(match(ids, order), ids, method = "radix")], collapse = "|") }',
    '# Units x raters of categories, NA where a rater gave none (units: those someone rated).',
    'ratings_matrix <- function(unit, annotator, key) {',
    '  units <- unique(unit)',
    '  m <- matrix(NA_character_, nrow = length(units), ncol = length(raters), dimnames = list(units, raters))',
    '  m[cbind(match(unit, units), match(annotator, raters))] <- key',
    '  m',
    '}',
    'weights_of <- function(name, categ) switch(name, unweighted = identity.weights(categ), ordinal = ordinal.weights(categ), quadratic = quadratic.weights(categ), linear = linear.weights(categ))',
    '# Cohen\'s kappa of every pair on the entries both rated (irrCAC kappa2.table), and their mean.',
    'cohen_mean <- function(m, categ, w) {',
    '  if (ncol(m) < 2) return(NA_real_)',
    '  k <- combn(ncol(m), 2, function(p) {',
    '    both <- m[!is.na(m[, p[1]]) & !is.na(m[, p[2]]), p, drop = FALSE]',
    '    if (nrow(both) == 0) return(NA_real_)',
    '    tab <- table(factor(both[, 1], levels = categ), factor(both[, 2], levels = categ))',
    '    kappa2.table(tab, weights = w)$coeff.val',
    '  })',
    '  k <- k[is.finite(k)]',
    '  if (length(k)) mean(k) else NA_real_',
    '}',
    'tolerance <- 1e-5',
    'differs <- 0',
    'compare <- function(name, m, categ, level, app, weights = "unweighted") {',
    '  upper <- function(x) toupper(trimws(x))  # irrCAC compares categories in upper case',
    '  mu <- m; mu[] <- upper(m)',
    '  cu <- upper(categ)',
    '  w <- weights_of(weights, cu)',
    '  val <- function(f) f(mu, weights = weights, categ.labels = categ)$est$coeff.val',
    '  codes <- matrix(match(m, categ), nrow = nrow(m))',
    '  theirs <- c(',
    '    percent = val(pa.coeff.raw),',
    '    cohen_mean = cohen_mean(mu, cu, w),',
    '    fleiss = val(fleiss.kappa.raw),',
    '    conger = val(conger.kappa.raw),',
    '    gwet = val(gwet.ac1.raw),',
    '    brennan_prediger = val(bp.coeff.raw),',
    '    alpha = if (level == "ordinal") kripp.alpha(t(codes), method = "ordinal")$value else val(krippen.alpha.raw)',
    '  )',
    '  if (level == "nominal") theirs <- c(theirs, alpha_irr = kripp.alpha(t(codes), method = "nominal")$value)',
    '  ours <- app[sub("_irr$", "", names(theirs))]',
    '  out <- data.frame(coefficient = names(theirs), app = round(ours, 6), R = round(theirs, 6), difference = signif(theirs - ours, 3))',
    '  bad <- !(is.na(ours) & is.na(theirs)) & (is.na(ours) | is.na(theirs) | abs(theirs - ours) > tolerance)',
    '  cat("\\n", name, " (", nrow(m), " units)\\n", sep = "")',
    '  print(out, row.names = FALSE)',
    '  if (any(bad)) { differs <<- differs + sum(bad); cat("  DIFFERS:", paste(names(theirs)[bad], collapse = ", "), "\\n") }',
    '}',
    '',
    ...blocks,
    'if (differs > 0) stop(differs, " figure(s) differ from the app\'s")',
    'cat("\\nEvery figure agrees with the app\'s to", tolerance, "\\n")',
    '',
  ].join('\n');
}
