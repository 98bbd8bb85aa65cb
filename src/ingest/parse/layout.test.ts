// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${name}` is AWS's format syntax under test
import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.js';
import { DEFAULT_TGW_FORMAT, DEFAULT_VPC_FORMAT } from '../../flow/index.js';
import { DEFAULT_TGW_LAYOUT, DEFAULT_VPC_LAYOUT, parseFormat } from './layout.js';

describe('parseFormat', () => {
  it.each([
    ['the AWS ${} form', '${version} ${srcaddr} ${dstaddr}'],
    ['plain names', 'version srcaddr dstaddr'],
    ['extra whitespace and newlines', '  version\t srcaddr\n dstaddr  '],
    ['a mix of both forms', '${version} srcaddr ${dstaddr}'],
  ])('reads %s', (_, text) => {
    const layout = parseFormat(text);
    expect(layout.fields.map((f) => [f.name, f.column?.sql])).toEqual([
      ['version', 'version'],
      ['srcaddr', 'srcaddr'],
      ['dstaddr', 'dstaddr'],
    ]);
    expect(layout).toMatchObject({ kind: 'vpc', text: 'version srcaddr dstaddr' });
  });

  it('keeps unknown but well-formed names, without a column', () => {
    const layout = parseFormat('${srcaddr} ${resource-id} ${next-hop-type}');
    expect(layout.fields.map((f) => [f.name, f.column === undefined])).toEqual([
      ['srcaddr', false],
      ['resource-id', true],
      ['next-hop-type', true],
    ]);
  });

  it.each([
    ['tgw', '${tgw-id} ${srcaddr}'],
    ['tgw', 'packets-lost-no-route'],
    ['vpc', 'srcaddr dstaddr action'],
    ['vpc', 'version region flow-direction'],
  ])('gives kind %s to %s', (kind, text) => {
    expect(parseFormat(text).kind).toBe(kind);
  });

  it.each([
    ['an empty format', '', 'the flow-log format is empty'],
    ['a blank format', ' \n\t ', 'the flow-log format is empty'],
    ['an unclosed ${', '${version} ${srcaddr', "'${srcaddr' in the flow-log format is not a field name"],
    ['a token with punctuation', 'version src addr!', "'addr!' in the flow-log format is not a field name"],
    ['an empty ${}', '${} srcaddr', "'${}' in the flow-log format is not a field name"],
    ['an upper-case name', 'Version srcaddr', "'Version' in the flow-log format is not a field name"],
    [
      'a repeated field',
      'srcaddr dstaddr ${srcaddr}',
      "field 'srcaddr' appears twice in the flow-log format",
    ],
    ['no known field', 'foo bar', "the flow-log format 'foo bar' names no known field"],
  ])('refuses %s with ingest.bad-format naming the token', (_, text, message) => {
    let error: unknown;
    try {
      parseFormat(text, '--format');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      code: 'ingest.bad-format',
      message,
      at: '--format',
      hint: expect.stringContaining('${version}'),
    });
  });

  it('builds the default layouts from the field table', () => {
    expect(DEFAULT_VPC_LAYOUT.fields.map((f) => f.name)).toEqual(DEFAULT_VPC_FORMAT);
    expect(DEFAULT_TGW_LAYOUT.fields.map((f) => f.name)).toEqual(DEFAULT_TGW_FORMAT);
    expect([DEFAULT_VPC_LAYOUT.kind, DEFAULT_TGW_LAYOUT.kind]).toEqual(['vpc', 'tgw']);
    expect(DEFAULT_TGW_LAYOUT.fields.every((f) => f.column !== undefined)).toBe(true);
  });
});
