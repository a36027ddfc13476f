export {
  type AccessGrant,
  type AccessTokensApi,
  hashAccessToken,
  hmacAccessToken,
  type IssueAccessTokenOptions,
  type IssuedAccessToken,
} from './access-tokens.js';
