export {
  type AccessGrant,
  type AccessTokensApi,
  hashAccessToken,
  type IssueAccessTokenOptions,
  type IssuedAccessToken,
} from './access-tokens.js';
